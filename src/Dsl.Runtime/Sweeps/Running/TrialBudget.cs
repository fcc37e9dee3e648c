using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps.Running;

/// <summary>The counting rules that make <see cref="SweepOptions.Trials"/> a study size rather than a number of new trials.</summary>
internal static class TrialBudget
{
    /// <summary>
    /// How many trials count towards the study's size: complete, pruned and running ones, and failed ones that nobody
    /// retries. A retried failure is represented by its retry, so an interrupted trial does not use up a slot twice;
    /// waiting trials count once claimed.
    /// </summary>
    public static int Count(IReadOnlyList<TrialRecord> trials)
    {
        var retried = new HashSet<int>();
        foreach (var trial in trials)
            if (SweepTables.RetryOf(trial) is { } number)
                retried.Add(number);
        var count = 0;
        foreach (var trial in trials)
        {
            if (trial.State is TrialState.Complete or TrialState.Pruned or TrialState.Running
                || (trial.State == TrialState.Failed && !retried.Contains(trial.Number)))
                count++;
        }
        return count;
    }

    /// <summary>How many retries came before <paramref name="number"/>: the length of its chain of retry links.</summary>
    public static int Attempt(int number, IReadOnlyList<TrialRecord> trials)
    {
        var byNumber = trials.ToDictionary(t => t.Number);
        var attempt = 0;
        var seen = new HashSet<int>();
        while (byNumber.TryGetValue(number, out var trial) && SweepTables.RetryOf(trial) is { } previous && seen.Add(previous))
        {
            attempt++;
            number = previous;
        }
        return attempt;
    }
}
