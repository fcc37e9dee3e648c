using Dsl.Search;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;
using static Dsl.Runtime.Tests.Search.StudySimulator;

namespace Dsl.Runtime.Tests.Search;

public class TpeSamplerTests
{
    private static readonly SearchSpace Quadratic3 = new(
    [
        new FloatParameter("x", -5, 5, 0),
        new FloatParameter("y", -5, 5, 0),
        new FloatParameter("z", -5, 5, 0),
    ]);

    private static double Bowl(IReadOnlyDictionary<string, object> p) =>
        Math.Pow((double)p["x"] - 1.3, 2) + Math.Pow((double)p["y"] + 0.7, 2) + Math.Pow((double)p["z"] - 2.1, 2);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Beats_random_search_on_a_quadratic(bool multivariate)
    {
        var tpe = new List<double>();
        var random = new List<double>();
        for (var seed = 0; seed < 20; seed++)
        {
            tpe.Add(Best(Run(new TpeSampler(seed, new TpeOptions { Multivariate = multivariate }), Quadratic3, Bowl, 40)));
            random.Add(Best(Run(new RandomSampler(seed), Quadratic3, Bowl, 40)));
        }

        // Not merely lower: the model has to do clearly better than chance on the easiest landscape there is.
        Assert.True(Median(tpe) < 0.5 * Median(random), $"TPE median regret {Median(tpe):F3}, random {Median(random):F3}");
        Assert.True(tpe.Count(t => t < Median(random)) >= 15, "TPE should beat random's median on most seeds");
    }

    [Fact]
    public void Maximising_a_function_proposes_what_minimising_its_negation_does()
    {
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5)]);
        static double Peak(IReadOnlyDictionary<string, object> p) => -Math.Pow((double)p["x"] - 0.3, 2);

        var up = Run(new TpeSampler(3), space, Peak, 40, StudyDirection.Maximize);
        var down = Run(new TpeSampler(3), space, p => -Peak(p), 40);

        Assert.Equal(down.Select(t => t.Parameters["x"]), up.Select(t => t.Parameters["x"]));
        Assert.True(Median(up.Skip(25).Select(t => Math.Abs((double)t.Parameters["x"] - 0.3))) < 0.1);
    }

    [Fact]
    public void Learns_which_choice_is_best()
    {
        var space = new SearchSpace([new CategoricalParameter("kind", ["bad", "good", "worse"], 0), new FloatParameter("x", 0, 1, 0.5)]);
        double Objective(IReadOnlyDictionary<string, object> p) =>
            (string)p["kind"] switch { "good" => 0.0, "bad" => 1.0, _ => 2.0 } + 0.1 * (double)p["x"];

        var history = Run(new TpeSampler(2), space, Objective, 50);

        Assert.True(history.Skip(20).Count(t => (string)t.Parameters["kind"] == "good") >= 24);
    }

    [Fact]
    public void A_conditional_parameter_is_fitted_on_the_trials_where_it_was_active()
    {
        // The good region of x only exists under kind = a; under kind = b, x is absent and y matters instead.
        var space = new SearchSpace(
        [
            new CategoricalParameter("kind", ["a", "b"], 0),
            new FloatParameter("x", 0, 1, 0.5) { Condition = new ParameterCondition("kind", ["a"]) },
            new FloatParameter("y", 0, 1, 0.5) { Condition = new ParameterCondition("kind", ["b"]) },
        ]);
        double Objective(IReadOnlyDictionary<string, object> p) =>
            (string)p["kind"] == "a" ? Math.Abs((double)p["x"] - 0.8) : 0.5 + Math.Abs((double)p["y"] - 0.2);

        var history = Run(new TpeSampler(4), space, Objective, 60);

        var lateA = history.Skip(30).Where(t => (string)t.Parameters["kind"] == "a").ToList();
        Assert.True(lateA.Count >= 20);
        Assert.True(Median(lateA.Select(t => Math.Abs((double)t.Parameters["x"] - 0.8))) < 0.1);
    }

    [Fact]
    public void Uses_random_draws_until_the_startup_trials_are_done()
    {
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5)]);
        var tpe = new TpeSampler(8, new TpeOptions { StartupTrials = 10 });
        var random = new RandomSampler(8);

        var fromTpe = Run(tpe, space, p => (double)p["x"], 10);
        var fromRandom = Run(random, space, p => (double)p["x"], 10);

        Assert.Equal(fromRandom.Select(t => t.Parameters["x"]), fromTpe.Select(t => t.Parameters["x"]));
    }

    [Fact]
    public void A_known_trial_budget_gives_half_of_it_to_startup_draws_and_the_rest_to_tpe()
    {
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5)]);
        var tpe = new TpeSampler(8).ForTrialBudget(6);
        var random = new RandomSampler(8);

        var fromTpe = Run(tpe, space, p => (double)p["x"], 6).Select(t => t.Parameters["x"]).ToList();
        var fromRandom = Run(random, space, p => (double)p["x"], 6).Select(t => t.Parameters["x"]).ToList();

        Assert.Equal(3, Assert.IsType<TpeSampler>(tpe).StartupTrials);
        Assert.Equal(fromRandom.Take(3), fromTpe.Take(3));
        for (var i = 3; i < 6; i++) Assert.NotEqual(fromRandom[i], fromTpe[i]);
    }

    [Fact]
    public void An_explicit_startup_count_wins_over_the_trial_budget()
    {
        var fixedCount = new TpeSampler(8, new TpeOptions { StartupTrials = 10 });
        Assert.Same(fixedCount, fixedCount.ForTrialBudget(6));
        Assert.Equal(10, fixedCount.StartupTrials);
        Assert.Equal(10, new TpeSampler(8).StartupTrials);
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData(1, 2)]
    [InlineData(5, 2)]
    [InlineData(6, 3)]
    [InlineData(12, 6)]
    [InlineData(20, 10)]
    [InlineData(500, 10)]
    public void The_default_startup_count_is_half_the_budget_within_2_and_10(int? budget, int expected) =>
        Assert.Equal(expected, TpeOptions.DefaultStartupTrials(budget));

    [Fact]
    public void Pruned_trials_rank_after_complete_ones_and_by_how_far_they_got()
    {
        var done = StudySimulator.Complete(0, new Dictionary<string, object>(), 5.0);
        var prunedLate = new TrialRecord(1, TrialState.Pruned, new Dictionary<string, object>(), null, new Dictionary<int, double> { [1] = 9, [3] = 1.0 });
        var prunedEarly = new TrialRecord(2, TrialState.Pruned, new Dictionary<string, object>(), null, new Dictionary<int, double> { [1] = 0.5 });
        var failed = new TrialRecord(3, TrialState.Failed, new Dictionary<string, object>(), null, new Dictionary<int, double>());

        var scores = new[] { prunedEarly, done, prunedLate }
            .Select(t => TrialScore.TryScore(t, StudyDirection.Minimize, false, out var s) ? (t.Number, s) : throw new InvalidOperationException())
            .OrderBy(x => x.s)
            .Select(x => x.Number);

        Assert.Equal(new[] { 0, 1, 2 }, scores);
        Assert.False(TrialScore.TryScore(failed, StudyDirection.Minimize, false, out _));
    }

    [Fact]
    public void Learns_from_pruned_trials_last_values()
    {
        // Every trial is pruned at epoch 2; only the intermediate values tell good from bad.
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5)]);
        var sampler = new TpeSampler(6);
        var history = new List<TrialRecord>();
        for (var n = 0; n < 40; n++)
        {
            var p = sampler.Sample(space, history, StudyDirection.Minimize);
            var loss = Math.Abs((double)p["x"] - 0.25);
            history.Add(new TrialRecord(n, TrialState.Pruned, p, null, new Dictionary<int, double> { [1] = loss + 1, [2] = loss }));
        }

        Assert.True(Median(history.Skip(20).Select(t => Math.Abs((double)t.Parameters["x"] - 0.25))) < 0.1);
    }

    [Fact]
    public async Task With_the_constant_liar_concurrent_claims_do_not_propose_near_duplicates_of_running_trials()
    {
        // As `--jobs 4` starts a batch: four workers claim before any finishes, each sampling from a history that holds
        // the others' running trials. Without the liar every proposal comes from the same model of the finished trials
        // and they bunch up at its optimum (13 of these 20 batches put two points within 0.05 of each other).
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5), new FloatParameter("y", 0, 1, 0.5)]);
        static double Objective(IReadOnlyDictionary<string, object> p) => Math.Pow((double)p["x"] - 0.3, 2) + Math.Pow((double)p["y"] - 0.7, 2);

        var crowded = new List<int>();
        for (var seed = 0; seed < 20; seed++)
        {
            var store = new InMemoryStudyStorage();
            await store.CreateOrOpenStudyAsync(new StudyDefinition("study", StudyDirection.Minimize, space));
            var random = new RandomSampler(seed);
            for (var n = 0; n < 20; n++)
            {
                var done = await store.ClaimTrialAsync("study", "w0", (_, history) => random.Sample(space, history, StudyDirection.Minimize));
                await store.FinishTrialAsync("study", done.Number, TrialResult.Complete(Objective(done.Parameters)));
            }

            var liar = new TpeSampler(seed, new TpeOptions { ConstantLiar = true });
            var claims = await Task.WhenAll(Enumerable.Range(1, 4).Select(worker => Task.Run(() =>
                store.ClaimTrialAsync("study", $"w{worker}", (_, history) => liar.Sample(space, history, StudyDirection.Minimize)))));

            var points = claims.Select(c => ((double)c.Parameters["x"], (double)c.Parameters["y"])).ToList();
            var closest = points.SelectMany((a, i) => points.Take(i).Select(b => Math.Sqrt(Math.Pow(a.Item1 - b.Item1, 2) + Math.Pow(a.Item2 - b.Item2, 2)))).Min();
            if (closest < 0.05)
                crowded.Add(seed);
        }

        Assert.True(crowded.Count <= 2, $"Concurrent claims proposed near-duplicates of running trials for seeds {string.Join(", ", crowded)}.");
    }

    [Fact]
    public void Invalid_options_are_rejected_at_construction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TpeSampler(0, new TpeOptions { EiCandidates = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TpeSampler(0, new TpeOptions { PriorWeight = 0 }));
    }
}
