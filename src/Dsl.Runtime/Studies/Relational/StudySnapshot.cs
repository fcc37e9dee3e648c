namespace Dsl.Studies.Relational;

/// <summary>
/// A whole study as a relational store holds it, column for column: what copying a study between stores (SQLite,
/// PostgreSQL) moves, so that the copy has the same numbers, states, times, workers, retry links, parameters exactly as
/// stored, intermediate values and attributes. Times are the stores' fixed-width UTC text.
/// </summary>
internal sealed record StudySnapshot(
    string Name,
    string Direction,
    string SpaceFingerprint,
    string SpaceDescription,
    string CreatedAt,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<TrialSnapshot> Trials);

/// <summary>One trial of a <see cref="StudySnapshot"/>, with its parameters in the order they were written.</summary>
internal sealed record TrialSnapshot(
    int Number,
    string State,
    double? Value,
    string? Error,
    string CreatedAt,
    string? StartedAt,
    string? FinishedAt,
    string? HeartbeatAt,
    string? WorkerId,
    string? WorkerHost,
    int? WorkerPid,
    string? WorkerStarted,
    int? RetryOf,
    int RetryCount,
    IReadOnlyList<(string Name, string Kind, string Value)> Parameters,
    IReadOnlyList<(int Step, double Value, string ReportedAt)> IntermediateValues,
    IReadOnlyDictionary<string, string> Attributes);
