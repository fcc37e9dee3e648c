using Dsl.Reporting;
using Dsl.Search;
using Dsl.Search.Trials;
using static Dsl.Runtime.Tests.Reporting.ReportTestKit;

namespace Dsl.Runtime.Tests.Reporting;

public sealed class ParameterImportanceTests
{
    [Fact]
    public void The_parameter_that_drives_the_value_ranks_first_with_most_of_the_variance()
    {
        var scores = ParameterImportance.Estimate(Study(), Space);

        Assert.Equal(Driver, scores[0].Parameter);
        Assert.True(scores[0].Importance > 0.8, $"{Driver} explains only {scores[0].Importance:0.000}.");
        Assert.Equal(Space.Select(p => p.Name).Order(), scores.Select(s => s.Parameter).Order());
        Assert.Equal(1.0, scores.Sum(s => s.Importance), 9);
        Assert.All(scores, s => Assert.InRange(s.Importance, 0, 1));
        Assert.Equal(scores.OrderByDescending(s => s.Importance), scores);
    }

    [Fact]
    public void Scores_are_repeatable_and_do_not_depend_on_the_order_trials_arrive_in()
    {
        var trials = Study();
        var shuffled = trials.OrderBy(t => (t.Number * 7919) % 31).ToList();

        var first = ParameterImportance.Estimate(trials, Space);
        var again = ParameterImportance.Estimate(trials, Space);
        var reordered = ParameterImportance.Estimate(shuffled, Space);

        Assert.Equal(first, again);
        Assert.Equal(first, reordered);
    }

    [Fact]
    public void A_categorical_driver_ranks_first()
    {
        var random = new Random(3);
        var trials = Enumerable.Range(0, 30).Select(i =>
        {
            var parameters = Sample(random);
            var value = ((string)parameters["optimizer"] == "sgd" ? 1.0 : 0.0) + 0.05 * random.NextDouble();
            return Complete(i, parameters, value);
        }).ToList();

        var scores = ParameterImportance.Estimate(trials, Space);

        Assert.Equal("optimizer", scores[0].Parameter);
        Assert.True(scores[0].Importance > 0.8);
    }

    [Fact]
    public void A_parameter_that_never_varies_scores_zero()
    {
        var trials = Study().Select(t => t with { Parameters = new Dictionary<string, object>(t.Parameters) { ["batch_size"] = 64L } }).ToList();

        var scores = ParameterImportance.Estimate(trials, Space);

        Assert.Equal(0.0, scores.Single(s => s.Parameter == "batch_size").Importance);
        Assert.Equal(Driver, scores[0].Parameter);
    }

    [Fact]
    public void A_conditional_parameter_that_is_never_active_scores_zero()
    {
        var trials = Study().Select(t => t with
        {
            Parameters = t.Parameters.Where(kv => kv.Key != "momentum").ToDictionary(kv => kv.Key, kv => kv.Key == "optimizer" ? (object)"adam" : kv.Value),
        }).ToList();

        var scores = ParameterImportance.Estimate(trials, Space);

        Assert.Equal(0.0, scores.Single(s => s.Parameter == "momentum").Importance);
        Assert.Equal(0.0, scores.Single(s => s.Parameter == "optimizer").Importance);
        Assert.Equal(Driver, scores[0].Parameter);
    }

    [Fact]
    public void A_conditional_parameter_that_drives_the_value_where_it_is_active_ranks_first()
    {
        var random = new Random(5);
        var trials = Enumerable.Range(0, 40).Select(i =>
        {
            var parameters = Sample(random);
            var value = parameters.TryGetValue("momentum", out var m) ? 4 * Math.Abs((double)m - 0.5) : 1.0;
            return Complete(i, parameters, value + 0.01 * random.NextDouble());
        }).ToList();

        var scores = ParameterImportance.Estimate(trials, Space);

        Assert.Equal("momentum", scores[0].Parameter);
    }

    [Fact]
    public void Parameters_are_encoded_on_the_unit_interval_by_their_declared_scale()
    {
        var trial = Complete(0, new Dictionary<string, object> { [Driver] = 1e-3, ["optimizer"] = "adam", ["batch_size"] = 64L }, 1);
        var axes = ParameterAxis.Build(Space, [trial]).ToDictionary(a => a.Name);

        Assert.Equal(0.5, axes[Driver].Position(trial)!.Value, 12);
        Assert.Equal(0.75, axes["optimizer"].Position(trial)!.Value, 12);
        Assert.Null(axes["momentum"].Position(trial));
        Assert.Equal(0.4, axes["batch_size"].Position(trial)!.Value, 12);
        Assert.Equal(64.0, axes["batch_size"].FromUnit(0.4));
    }

    [Fact]
    public void Undeclared_parameters_are_read_off_the_trials_with_a_log_scale_for_values_spanning_decades()
    {
        var trials = Study();

        var axes = ParameterAxis.Build(SearchSpace.Empty, trials).ToDictionary(a => a.Name);

        Assert.All(axes.Values, a => Assert.True(a.Inferred));
        Assert.Equal(AxisScale.Log, axes[Driver].Scale);
        Assert.Equal(AxisScale.Linear, axes["batch_size"].Scale);
        Assert.True(axes["batch_size"].IsInteger);
        Assert.Equal(AxisScale.Categorical, axes["optimizer"].Scale);
        Assert.Equal(Driver, ParameterImportance.Estimate(trials, SearchSpace.Empty)[0].Parameter);
    }

    public static TheoryData<string> Unestimable => new() { "no trials", "all failed", "single trial", "no parameters", "all values equal" };

    [Theory]
    [MemberData(nameof(Unestimable))]
    public void Too_little_to_go_on_gives_no_scores(string name)
    {
        var (trials, space) = SweepReportTests.EdgeCase(name);

        Assert.Empty(ParameterImportance.Estimate(trials, space));
    }

    [Fact]
    public void Pruned_failed_and_non_finite_trials_are_not_used()
    {
        var trials = Study();
        var poisoned = trials.Select(t => t.State == TrialState.Complete ? t : t with { Value = -1e9 }).Append(
            Complete(100, Sample(new Random(1)), double.NaN)).ToList();

        Assert.Equal(ParameterImportance.Estimate(trials, Space), ParameterImportance.Estimate(poisoned, Space));
    }

    private static readonly SearchSpace Unit = new(
    [
        new FloatParameter("x", 0, 1, 0.5),
        new FloatParameter("y", 0, 1, 0.5),
        new FloatParameter("z", 0, 1, 0.5),
        new CategoricalParameter("c", ["a", "b", "c"], 0),
    ]);

    private static List<TrialRecord> UnitStudy(int count, Func<double, double, double> objective)
    {
        var random = new Random(11);
        return Enumerable.Range(0, count).Select(i =>
        {
            var p = new Dictionary<string, object>
            {
                ["x"] = random.NextDouble(), ["y"] = random.NextDouble(), ["z"] = random.NextDouble(), ["c"] = new[] { "a", "b", "c" }[random.Next(3)],
            };
            return Complete(i, p, objective((double)p["x"], (double)p["y"]));
        }).ToList();
    }

    [Fact]
    public void Additive_effects_score_their_share_of_the_variance()
    {
        // x + 2y with x, y uniform on [0, 1]: Var(x) = 1/12 and Var(2y) = 4/12, so x explains 1/5 and y 4/5; z and c nothing.
        var scores = ParameterImportance.Estimate(UnitStudy(200, (x, y) => x + 2 * y), Unit).ToDictionary(s => s.Parameter, s => s.Importance);

        Assert.InRange(scores["y"], 0.75, 0.85);
        Assert.InRange(scores["x"], 0.15, 0.25);
        Assert.InRange(scores["z"], 0, 0.01);
        Assert.InRange(scores["c"], 0, 0.01);
    }

    [Fact]
    public void A_value_that_depends_on_one_parameter_gives_it_all_the_importance()
    {
        var scores = ParameterImportance.Estimate(UnitStudy(100, (_, y) => Math.Sin(3 * y)), Unit);

        Assert.Equal("y", scores[0].Parameter);
        Assert.InRange(scores[0].Importance, 0.99, 1.0);
    }

    [Fact]
    public void Forest_main_effects_match_the_variance_shares_of_an_additive_function()
    {
        // y = 2·a + b on an 8 × 8 grid: Var(2a) : Var(b) = 4 : 1, so the main effects are 0.8 and 0.2 and sum to 1.
        var x = new List<double[]>();
        var y = new List<double>();
        for (var i = 0; i < 8; i++)
            for (var j = 0; j < 8; j++)
            {
                x.Add([(i + 0.5) / 8, (j + 0.5) / 8, 0.5]);
                y.Add(2.0 * i + j);
            }

        var effects = FanovaForest.MainEffects(x, y)!;

        Assert.InRange(effects[0], 0.72, 0.88);
        Assert.InRange(effects[1], 0.14, 0.28);
        Assert.Equal(0.0, effects[2]);
        Assert.InRange(effects.Sum(), 0.9, 1.0 + 1e-9);
    }

    [Fact]
    public void Forest_gives_nothing_for_a_constant_target()
    {
        var x = Enumerable.Range(0, 10).Select(i => new[] { i / 10.0 }).ToList();

        Assert.Null(FanovaForest.MainEffects(x, Enumerable.Repeat(3.0, 10).ToList()));
    }
}
