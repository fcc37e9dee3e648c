using Dsl.Search.Trials;

namespace Dsl.Search.Pruning;

/// <summary>
/// Prunes a trial whose best value so far is worse than the given percentile of the complete trials' values at the same
/// step (Optuna's percentile rule): the 50th percentile is the median pruner.
/// </summary>
public class PercentilePruner : IPruner
{
    /// <summary>Creates a percentile pruner.</summary>
    /// <param name="percentile">Percentile in [0, 100] of the other trials' values a trial must beat, counted from the best.</param>
    /// <param name="startupTrials">No pruning until this many trials have completed.</param>
    /// <param name="warmupSteps">No pruning at steps below this one.</param>
    /// <param name="intervalSteps">Judge only every this many steps after the warm-up.</param>
    /// <param name="minTrials">No pruning at a step until this many complete trials reported a value for it.</param>
    public PercentilePruner(double percentile, int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1, int minTrials = 1)
    {
        if (!(percentile >= 0 && percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "Must be in [0, 100].");
        if (startupTrials < 0) throw new ArgumentOutOfRangeException(nameof(startupTrials), startupTrials, "Must be ≥ 0.");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "Must be ≥ 0.");
        if (intervalSteps < 1) throw new ArgumentOutOfRangeException(nameof(intervalSteps), intervalSteps, "Must be ≥ 1.");
        if (minTrials < 1) throw new ArgumentOutOfRangeException(nameof(minTrials), minTrials, "Must be ≥ 1.");
        Percentile = percentile;
        StartupTrials = startupTrials;
        WarmupSteps = warmupSteps;
        IntervalSteps = intervalSteps;
        MinTrials = minTrials;
    }

    /// <summary>Percentile of the other trials' values a trial must beat, counted from the best.</summary>
    public double Percentile { get; }

    /// <summary>Complete trials needed before any pruning.</summary>
    public int StartupTrials { get; }

    /// <summary>Steps below this one are never judged.</summary>
    public int WarmupSteps { get; }

    /// <summary>Distance between judged steps.</summary>
    public int IntervalSteps { get; }

    /// <summary>Complete trials that must have reported the step being judged.</summary>
    public int MinTrials { get; }

    /// <inheritdoc />
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(history);
        if (trial.IntermediateValues.Count == 0) return false;
        var step = trial.IntermediateValues.Keys.Max();
        if (step < WarmupSteps || !IsJudgedStep(trial, step)) return false;

        var complete = history.Where(t => t.State == TrialState.Complete && t.Number != trial.Number).ToList();
        if (complete.Count < StartupTrials) return false;
        if (double.IsNaN(trial.IntermediateValues[step])) return true;

        var sign = direction == StudyDirection.Maximize ? -1.0 : 1.0;
        var best = trial.IntermediateValues.Values.Where(v => !double.IsNaN(v)).Min(v => sign * v);
        var others = complete
            .Where(t => t.IntermediateValues.TryGetValue(step, out var v) && !double.IsNaN(v))
            .Select(t => sign * t.IntermediateValues[step])
            .OrderBy(v => v)
            .ToArray();
        if (others.Length < MinTrials) return false;
        return best > Interpolated(others, Percentile);
    }

    private bool IsJudgedStep(TrialRecord trial, int step)
    {
        if (IntervalSteps == 1) return true;
        // Judge the first report of each interval, so sparse reporting is still judged once per interval.
        var interval = (step - WarmupSteps) / IntervalSteps;
        return !trial.IntermediateValues.Keys.Any(s => s < step && s >= WarmupSteps && (s - WarmupSteps) / IntervalSteps == interval);
    }

    /// <summary>The linearly interpolated percentile of ascending values, like numpy's default.</summary>
    internal static double Interpolated(double[] ascending, double percentile)
    {
        var position = percentile / 100 * (ascending.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, ascending.Length - 1);
        return ascending[lower] + (position - lower) * (ascending[upper] - ascending[lower]);
    }
}
