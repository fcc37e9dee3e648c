namespace Dsl.Studies;

/// <summary>A trial a worker now owns and should train.</summary>
/// <param name="Number">The trial's number in its study.</param>
/// <param name="Parameters">The assignment to train with.</param>
/// <param name="Enqueued">Whether the parameters were enqueued (warm start or retry) rather than sampled.</param>
/// <param name="RetryOf">The number of the failed trial this one retries, if it is a retry.</param>
/// <param name="StartedAt">When the claim happened.</param>
public sealed record ClaimedTrial(
    int Number,
    IReadOnlyDictionary<string, object> Parameters,
    bool Enqueued,
    int? RetryOf,
    DateTimeOffset StartedAt);
