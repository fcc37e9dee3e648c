using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>How good a finished (or, for the constant liar, running) trial is; smaller is better, like Optuna's ordering.</summary>
/// <param name="Tier">0 complete, 1 pruned with a reported value, 2 pruned without one, 3 running.</param>
/// <param name="Step">For pruned trials the last reported step: further is better.</param>
/// <param name="Value">The objective with its sign turned so that smaller is better.</param>
internal readonly record struct TrialScore(int Tier, int Step, double Value) : IComparable<TrialScore>
{
    public int CompareTo(TrialScore other)
    {
        if (Tier != other.Tier) return Tier.CompareTo(other.Tier);
        if (Step != other.Step) return other.Step.CompareTo(Step);
        return Value.CompareTo(other.Value);
    }

    /// <summary>Scores a trial, or returns false for trials that carry no information (waiting, failed, NaN).</summary>
    public static bool TryScore(TrialRecord trial, StudyDirection direction, bool includeRunning, out TrialScore score)
    {
        var sign = direction == StudyDirection.Maximize ? -1.0 : 1.0;
        score = default;
        switch (trial.State)
        {
            case TrialState.Complete when trial.Value is { } v && !double.IsNaN(v):
                score = new TrialScore(0, 0, sign * v);
                return true;
            case TrialState.Pruned when trial.IntermediateValues.Count > 0:
                var step = trial.IntermediateValues.Keys.Max();
                var last = trial.IntermediateValues[step];
                score = new TrialScore(1, step, double.IsNaN(last) ? double.PositiveInfinity : sign * last);
                return true;
            case TrialState.Pruned when trial.Value is { } pv && !double.IsNaN(pv):
                score = new TrialScore(1, int.MinValue, sign * pv);
                return true;
            case TrialState.Pruned:
                score = new TrialScore(2, 0, 0);
                return true;
            case TrialState.Running when includeRunning:
                score = new TrialScore(3, 0, double.PositiveInfinity);
                return true;
            default:
                return false;
        }
    }
}
