using Dsl.Search.Trials;
using Dsl.Sweeps;
using Dsl.Sweeps.Output;

namespace Dsl.Runtime.Tests.Sweeps;

public sealed class SweepTextTests
{
    [Fact]
    public void A_study_without_a_complete_trial_says_why_in_one_line()
    {
        Assert.Equal("all 2 trials failed; the first error: out of memory",
            SweepText.NoCompleteTrial([Trial(1, TrialState.Failed, "late"), Trial(0, TrialState.Failed, "out of memory.\nat Train()")]));
        Assert.Equal("the only trial failed; the first error: boom", SweepText.NoCompleteTrial([Trial(0, TrialState.Failed, "boom")]));
        Assert.Equal("all 3 trials were pruned before completing",
            SweepText.NoCompleteTrial([Trial(0, TrialState.Pruned), Trial(1, TrialState.Pruned), Trial(2, TrialState.Pruned)]));
        Assert.Equal("no trial completed (1 pruned, 1 failed); the first error: diverged",
            SweepText.NoCompleteTrial([Trial(0, TrialState.Pruned), Trial(1, TrialState.Failed, "diverged")]));
        Assert.Equal("no trial ran", SweepText.NoCompleteTrial([]));
    }

    private static TrialRecord Trial(int number, TrialState state, string? error = null) =>
        new(number, state, new Dictionary<string, object>(), null, new Dictionary<int, double>()) { Error = error };
}
