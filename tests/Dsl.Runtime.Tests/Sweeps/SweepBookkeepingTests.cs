using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.CommandLine;
using Dsl.Sweeps;
using Dsl.Sweeps.Running;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>The small rules behind resuming: what counts towards the total, what is already enqueued, how budgets read.</summary>
public sealed class SweepBookkeepingTests
{
    [Fact]
    public void A_retried_failure_does_not_count_but_an_unretried_one_does()
    {
        var trials = new[]
        {
            Trial(0, TrialState.Complete),
            Trial(1, TrialState.Failed),
            Trial(2, TrialState.Failed),
            Trial(3, TrialState.Running, (TrialAttributeKeys.RetryOf, "1")),
            Trial(4, TrialState.Pruned),
            Trial(5, TrialState.Waiting, (SweepAttributeKeys.RetryOf, "2")),
            Trial(6, TrialState.Waiting),
        };

        Assert.Equal(3, TrialBudget.Count(trials)); // 0, 3 and 4: both failures were retried, waiting trials wait
        Assert.Equal(1, TrialBudget.Attempt(3, trials));
        Assert.Equal(0, TrialBudget.Attempt(0, trials));
    }

    [Fact]
    public void Warm_starts_are_completed_with_defaults_and_matched_one_to_one()
    {
        var space = SweepKit.Space;
        var existing = new[] { Trial(0, TrialState.Complete) with { Parameters = WarmStart.Complete(new Dictionary<string, object> { ["Hidden"] = 5L }, space) } };
        var assignments = new IReadOnlyDictionary<string, object>[]
        {
            new Dictionary<string, object> { ["Hidden"] = 5 },
            new Dictionary<string, object> { ["Hidden"] = 5 },
            new Dictionary<string, object> { ["Optimizer"] = "Sgd" },
        };

        var pending = WarmStart.Pending(assignments, existing, space, "study");

        Assert.Equal(2, pending.Count);
        Assert.Equal(5L, pending[0]["Hidden"]);
        Assert.Equal(0.05, pending[0]["LearningRate"]);
        Assert.False(pending[0].ContainsKey("Momentum"));
        Assert.Equal(Dsl.Training.OptimizerKind.Sgd, pending[1]["Optimizer"]);
        Assert.Equal(0.9, pending[1]["Momentum"]); // the condition now holds, so the conditional parameter gets its default
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("1.5h", 5400)]
    [InlineData("01:30:00", 5400)]
    [InlineData("500ms", 0.5)]
    public void Durations_read_as_people_write_them(string text, double seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(seconds, duration.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("0s")]
    [InlineData("5 minutes")]
    [InlineData("-1h")]
    public void Durations_reject_what_they_cannot_read(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void Trial_seeds_are_stable_and_differ_between_neighbours()
    {
        var seeds = Enumerable.Range(0, 100).Select(n => SweepSession.TrialSeed(7, n)).ToList();
        Assert.Equal(seeds, Enumerable.Range(0, 100).Select(n => SweepSession.TrialSeed(7, n)));
        Assert.Equal(100, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
    }

    private static TrialRecord Trial(int number, TrialState state, params (string Key, string Value)[] attributes) =>
        new(number, state, new Dictionary<string, object>(), state == TrialState.Complete ? 0.5 : null, new Dictionary<int, double>())
        {
            Attributes = attributes.ToDictionary(a => a.Key, a => a.Value),
        };
}
