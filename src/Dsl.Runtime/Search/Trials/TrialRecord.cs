namespace Dsl.Search.Trials;

/// <summary>One trial of a study as stored: its parameters, state, objective and the values it reported on the way.</summary>
/// <param name="Number">0-based position of the trial in its study, unique within the study.</param>
/// <param name="State">Where the trial is in its life cycle.</param>
/// <param name="Parameters">The assignment, keyed by parameter name (long, double, or the choice value).</param>
/// <param name="Value">The final objective value, for complete trials (and the last reported one for pruned trials).</param>
/// <param name="IntermediateValues">Values reported per step (epoch), used by pruners.</param>
public sealed record TrialRecord(
    int Number,
    TrialState State,
    IReadOnlyDictionary<string, object> Parameters,
    double? Value,
    IReadOnlyDictionary<int, double> IntermediateValues)
{
    /// <summary>When the trial started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the trial reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why the trial failed, for failed trials.</summary>
    public string? Error { get; init; }

    /// <summary>Free-form attributes (metrics, checkpoint paths, worker ids).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the trial is in a final state.</summary>
    public bool IsFinished => State is TrialState.Complete or TrialState.Pruned or TrialState.Failed;
}
