using Dsl.Search.Pruning;
using Dsl.Search.Trials;

namespace Dsl.Runtime.Tests.Search;

public class PrunerTests
{
    private static readonly IReadOnlyDictionary<string, object> NoParameters = new Dictionary<string, object>();

    private static TrialRecord Trial(int number, TrialState state, params double[] valuesByEpoch) =>
        new(number, state, NoParameters, state == TrialState.Complete ? valuesByEpoch[^1] : null,
            valuesByEpoch.Select((v, i) => (Step: i + 1, v)).ToDictionary(x => x.Step, x => x.v));

    /// <summary>Five complete trials whose losses fall from about 1.0 to 0.3 over 5 epochs.</summary>
    private static List<TrialRecord> CompletedLosses() => Enumerable.Range(0, 5)
        .Select(n => Trial(n, TrialState.Complete, Enumerable.Range(1, 5).Select(e => 1.0 + 0.05 * n - 0.15 * e).ToArray()))
        .ToList();

    [Fact]
    public void Median_pruner_prunes_a_clearly_bad_trial_and_keeps_a_good_one()
    {
        var history = CompletedLosses();
        var bad = Trial(5, TrialState.Running, 2.0, 1.9);
        var good = Trial(6, TrialState.Running, 0.8, 0.6);
        var pruner = Pruners.Median(startupTrials: 5);

        Assert.True(pruner.ShouldPrune(bad, [.. history, bad], StudyDirection.Minimize));
        Assert.False(pruner.ShouldPrune(good, [.. history, good], StudyDirection.Minimize));
    }

    [Fact]
    public void Median_pruner_waits_for_startup_trials_and_warmup_steps()
    {
        var history = CompletedLosses();
        var bad = Trial(5, TrialState.Running, 2.0, 1.9);

        Assert.False(Pruners.Median(startupTrials: 6).ShouldPrune(bad, history, StudyDirection.Minimize));
        Assert.False(Pruners.Median(startupTrials: 5, warmupSteps: 3).ShouldPrune(bad, history, StudyDirection.Minimize));
        Assert.True(Pruners.Median(startupTrials: 5, warmupSteps: 2).ShouldPrune(bad, history, StudyDirection.Minimize));
    }

    [Fact]
    public void Median_pruner_follows_the_direction()
    {
        var history = CompletedLosses().Select(t => t with
        {
            Value = -t.Value,
            IntermediateValues = t.IntermediateValues.ToDictionary(kv => kv.Key, kv => -kv.Value),
        }).ToList();
        var low = Trial(5, TrialState.Running, -2.0, -1.9);
        var high = Trial(6, TrialState.Running, -0.8, -0.6);

        Assert.False(Pruners.Median().ShouldPrune(high, history, StudyDirection.Maximize));
        Assert.True(Pruners.Median().ShouldPrune(low, history, StudyDirection.Maximize));
    }

    [Fact]
    public void A_nan_report_is_pruned()
    {
        var nan = Trial(5, TrialState.Running, 0.5, double.NaN);

        Assert.True(Pruners.Median().ShouldPrune(nan, CompletedLosses(), StudyDirection.Minimize));
    }

    [Fact]
    public void Asha_places_rungs_at_powers_of_eta_below_the_last_epoch()
    {
        Assert.Equal(new[] { 1, 3 }, Pruners.Asha(maxEpochs: 6).Rungs(100));
        Assert.Equal(new[] { 1, 2, 4, 8 }, Pruners.Asha(maxEpochs: 9, reductionFactor: 2).Rungs(100));
        Assert.Equal(new[] { 2, 6 }, Pruners.Asha(maxEpochs: 10, minEpochs: 2).Rungs(100));
    }

    [Theory]
    [InlineData(2.5, false)]
    [InlineData(3.0, false)]
    [InlineData(3.5, true)]
    [InlineData(9.0, true)]
    public void Asha_promotes_the_top_third_of_a_rung(double value, bool pruned)
    {
        // Eight trials reached epoch 1 with values 1…8; with the newcomer there are 9, so the best 3 go on.
        var history = Enumerable.Range(0, 8).Select(n => Trial(n, n % 2 == 0 ? TrialState.Pruned : TrialState.Running, n + 1.0)).ToList();
        var trial = Trial(8, TrialState.Running, value);

        Assert.Equal(pruned, Pruners.Asha(maxEpochs: 6).ShouldPrune(trial, [.. history, trial], StudyDirection.Minimize));
    }

    [Fact]
    public void Asha_promotes_the_top_third_when_maximising()
    {
        var history = Enumerable.Range(0, 8).Select(n => Trial(n, TrialState.Complete, n + 1.0)).ToList();

        Assert.False(Pruners.Asha(maxEpochs: 6).ShouldPrune(Trial(8, TrialState.Running, 7.0), history, StudyDirection.Maximize));
        Assert.True(Pruners.Asha(maxEpochs: 6).ShouldPrune(Trial(8, TrialState.Running, 5.5), history, StudyDirection.Maximize));
    }

    [Fact]
    public void Asha_keeps_the_first_arrivals_only_while_they_lead()
    {
        var first = Trial(0, TrialState.Running, 5.0);
        var worse = Trial(1, TrialState.Running, 6.0);
        var better = Trial(2, TrialState.Running, 4.0);
        var pruner = Pruners.Asha(maxEpochs: 6);

        Assert.False(pruner.ShouldPrune(first, [first], StudyDirection.Minimize));
        Assert.True(pruner.ShouldPrune(worse, [first, worse], StudyDirection.Minimize));
        Assert.False(pruner.ShouldPrune(better, [first, worse, better], StudyDirection.Minimize));
    }

    [Fact]
    public void Asha_judges_only_at_the_report_that_reaches_a_rung()
    {
        // Rung 1 was passed when the trial was the only one; at epoch 2 nothing is judged, at epoch 3 the next rung is.
        var others = Enumerable.Range(0, 6).Select(n => Trial(n, TrialState.Complete, 0.1, 0.1, 0.1, 0.1)).ToList();
        var pruner = Pruners.Asha(maxEpochs: 6);

        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, 5.0, 5.0), [.. others], StudyDirection.Minimize));
        Assert.True(pruner.ShouldPrune(Trial(9, TrialState.Running, 5.0, 5.0, 5.0), [.. others], StudyDirection.Minimize));
        Assert.False(pruner.ShouldPrune(Trial(9, TrialState.Running, 5.0, 5.0, 5.0, 5.0, 5.0), [.. others], StudyDirection.Minimize));
    }

    [Fact]
    public void Asha_bootstrap_prunes_until_enough_trials_reached_the_rung()
    {
        var pruner = Pruners.Asha(maxEpochs: 6, bootstrapCount: 2);
        var first = Trial(0, TrialState.Running, 1.0);
        var history = Enumerable.Range(1, 2).Select(n => Trial(n, TrialState.Pruned, 5.0)).ToList();

        Assert.True(pruner.ShouldPrune(first, [first], StudyDirection.Minimize));
        Assert.False(pruner.ShouldPrune(first, [.. history, first], StudyDirection.Minimize));
    }

    [Fact]
    public void Hyperband_bracket_assignment_is_stable_and_follows_the_budgets()
    {
        var a = Pruners.Hyperband(maxEpochs: 27);
        var b = new HyperbandPruner(minResource: 1, maxResource: 27, reductionFactor: 3);
        Assert.Equal(4, a.BracketCount);

        var brackets = Enumerable.Range(0, 20_000).Select(a.BracketOf).ToArray();
        Assert.Equal(brackets, Enumerable.Range(0, 20_000).Select(b.BracketOf));
        // Pinned values: a change of hash would silently reshuffle every stored study's brackets.
        Assert.Equal(new[] { 0, 3, 0, 0, 0, 3, 0, 0 }, brackets.Take(8));

        // Budgets ⌈4·3^s/(s+1)⌉ for s = 3, 2, 1, 0: 27, 12, 6, 4 of 49.
        var expected = new[] { 27, 12, 6, 4 };
        for (var bracket = 0; bracket < 4; bracket++)
            Assert.InRange(brackets.Count(x => x == bracket) / 20_000.0, expected[bracket] / 49.0 - 0.02, expected[bracket] / 49.0 + 0.02);
        Assert.NotEqual(brackets, Enumerable.Range(0, 20_000).Select(new HyperbandPruner(1, 27, 3, salt: 1).BracketOf));
    }

    [Fact]
    public void Hyperband_trials_compete_only_within_their_bracket()
    {
        var hyperband = Pruners.Hyperband(maxEpochs: 27);
        var numbers = Enumerable.Range(0, 200).ToArray();
        var bracket0 = numbers.Where(n => hyperband.BracketOf(n) == 0).ToArray();
        var bracket3 = numbers.Where(n => hyperband.BracketOf(n) == 3).ToArray();
        // Strong trials in the least aggressive bracket do not count against a bracket-0 trial.
        var history = bracket3.Take(6).Select(n => Trial(n, TrialState.Complete, 0.1, 0.1, 0.1)).ToList();
        var trial = Trial(bracket0[0], TrialState.Running, 5.0);

        Assert.False(hyperband.ShouldPrune(trial, [.. history, trial], StudyDirection.Minimize));

        var rival = Trial(bracket0[1], TrialState.Complete, 0.1);
        Assert.True(hyperband.ShouldPrune(trial, [.. history, rival, trial], StudyDirection.Minimize));
    }

    [Fact]
    public void The_last_hyperband_bracket_never_prunes()
    {
        var hyperband = Pruners.Hyperband(maxEpochs: 27);
        var last = Enumerable.Range(0, 500).First(n => hyperband.BracketOf(n) == 3);
        var history = Enumerable.Range(1000, 10).Select(n => Trial(n, TrialState.Complete, Enumerable.Repeat(0.1, 27).ToArray())).ToList();

        for (var epoch = 1; epoch <= 27; epoch++)
            Assert.False(hyperband.ShouldPrune(Trial(last, TrialState.Running, Enumerable.Repeat(9.0, epoch).ToArray()), history, StudyDirection.Minimize));
    }

    [Fact]
    public void None_never_prunes()
    {
        var bad = Trial(5, TrialState.Running, double.NaN);

        Assert.False(Pruners.None.ShouldPrune(bad, CompletedLosses(), StudyDirection.Minimize));
    }
}
