using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>How a running trial ended: complete with a value, pruned, or failed with an error.</summary>
public sealed record TrialResult
{
    private TrialResult(TrialState state, double? value, string? error)
    {
        State = state;
        Value = value;
        Error = error;
    }

    /// <summary>The final state: <see cref="TrialState.Complete"/>, <see cref="TrialState.Pruned"/> or <see cref="TrialState.Failed"/>.</summary>
    public TrialState State { get; }

    /// <summary>The objective value; for a pruned trial without one, the store takes its last intermediate value.</summary>
    public double? Value { get; }

    /// <summary>Why a failed trial failed.</summary>
    public string? Error { get; }

    /// <summary>
    /// Attributes recorded together with the final state (metrics, the checkpoint, the outcome), so no reader ever sees
    /// the trial finished without them. Keys starting with <c>dsl.</c> are reserved for the store.
    /// </summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>The trial finished with <paramref name="value"/>, which must be finite: a diverged trial is a failure.</summary>
    public static TrialResult Complete(double value) =>
        double.IsFinite(value)
            ? new(TrialState.Complete, value, null)
            : throw new ArgumentOutOfRangeException(nameof(value), value, "A complete trial needs a finite value; record a diverged trial as failed.");

    /// <summary>A pruner stopped the trial; without <paramref name="value"/> its last intermediate value stands for it.</summary>
    public static TrialResult Pruned(double? value = null) =>
        value is not { } v || double.IsFinite(v)
            ? new(TrialState.Pruned, value, null)
            : throw new ArgumentOutOfRangeException(nameof(value), value, "A pruned trial's value must be finite.");

    /// <summary>The trial threw or diverged.</summary>
    public static TrialResult Failed(string error) =>
        new(TrialState.Failed, null, string.IsNullOrWhiteSpace(error) ? "failed" : error);

    /// <summary>The trial threw <paramref name="exception"/>; its type and message become the error.</summary>
    public static TrialResult Failed(Exception exception) => Failed($"{exception.GetType().Name}: {exception.Message}");
}
