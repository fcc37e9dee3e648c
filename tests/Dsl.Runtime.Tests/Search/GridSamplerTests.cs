using Dsl.Search;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using static Dsl.Runtime.Tests.Search.StudySimulator;

namespace Dsl.Runtime.Tests.Search;

public class GridSamplerTests
{
    private static readonly SearchSpace Space = new(
    [
        new CategoricalParameter("optimizer", ["adam", "sgd"], 0),
        new FloatParameter("momentum", 0.5, 0.9, 0.9) { Condition = new ParameterCondition("optimizer", ["sgd"]) },
        new IntParameter("layers", 1, 3, 2),
        new FloatParameter("lr", 1e-4, 1e-2, 1e-3, Log: true),
    ]);

    // adam: 3 layers × 3 lr; sgd: 3 momentum × 3 layers × 3 lr.
    private const int Combinations = 9 + 27;

    [Fact]
    public void Every_combination_is_proposed_exactly_once_then_the_grid_is_exhausted()
    {
        var grid = new GridSampler(pointsPerAxis: 3);
        Assert.Equal(Combinations, grid.Count(Space));

        var history = Run(grid, Space, _ => 0, Combinations);

        var keys = history.Select(t => string.Join(";", t.Parameters.Select(kv => $"{kv.Key}={kv.Value}"))).ToList();
        Assert.Equal(Combinations, keys.Distinct().Count());
        Assert.True(grid.IsExhausted);
        Assert.Equal(0, grid.Remaining(Space, history));
        Assert.Throws<SamplerExhaustedException>(() => grid.Sample(Space, history, StudyDirection.Minimize));
    }

    [Fact]
    public void Inactive_parameters_do_not_multiply_the_grid()
    {
        var history = Run(new GridSampler(pointsPerAxis: 3), Space, _ => 0, Combinations);

        Assert.Equal(9, history.Count(t => (string)t.Parameters["optimizer"] == "adam"));
        Assert.All(history.Where(t => (string)t.Parameters["optimizer"] == "adam"), t => Assert.False(t.Parameters.ContainsKey("momentum")));
        Assert.Equal(new[] { 0.5, 0.7, 0.9 }, history.Where(t => t.Parameters.ContainsKey("momentum")).Select(t => (double)t.Parameters["momentum"]).Distinct().Order().Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Axes_are_spaced_in_the_parameter_scale()
    {
        var history = Run(new GridSampler(pointsPerAxis: 3), Space, _ => 0, Combinations);

        var lrs = history.Select(t => (double)t.Parameters["lr"]).Distinct().Order().ToArray();
        Assert.Equal(3, lrs.Length);
        Assert.Equal(1e-4, lrs[0], 12);
        Assert.Equal(1e-3, lrs[1], 12);
        Assert.Equal(1e-2, lrs[2], 12);
        Assert.Equal(new[] { 1L, 2L, 3L }, history.Select(t => (long)t.Parameters["layers"]).Distinct().Order());
    }

    [Fact]
    public void Long_integer_axes_get_points_per_axis_and_short_ones_every_value()
    {
        var space = new SearchSpace([new IntParameter("width", 8, 512, 64, Log: true), new IntParameter("depth", 1, 4, 2)]);
        var grid = new GridSampler(pointsPerAxis: 5);

        var history = Run(grid, space, _ => 0, grid.Count(space));

        Assert.Equal(new[] { 8L, 23L, 64L, 181L, 512L }, history.Select(t => (long)t.Parameters["width"]).Distinct().Order());
        Assert.Equal(new[] { 1L, 2L, 3L, 4L }, history.Select(t => (long)t.Parameters["depth"]).Distinct().Order());
    }

    [Fact]
    public void Explicit_values_override_an_axis()
    {
        var values = new Dictionary<string, IReadOnlyList<object>> { ["lr"] = [1e-3, 3e-3] };
        var grid = new GridSampler(pointsPerAxis: 3, values);

        Assert.Equal(6 + 18, grid.Count(Space));
    }

    [Fact]
    public void A_resumed_grid_skips_what_the_history_already_holds()
    {
        var first = Run(new GridSampler(pointsPerAxis: 3), Space, _ => 0, 10);
        var resumed = new GridSampler(pointsPerAxis: 3);
        Assert.Equal(Combinations - 10, resumed.Remaining(Space, first));

        var history = new List<TrialRecord>(first);
        for (var n = 10; n < Combinations; n++)
            history.Add(Complete(n, resumed.Sample(Space, history, StudyDirection.Minimize), 0));

        Assert.Equal(Combinations, history.Select(t => string.Join(";", t.Parameters.Values)).Distinct().Count());
    }

    [Fact]
    public void A_seeded_grid_visits_in_another_order_but_covers_the_same_set()
    {
        var plain = Run(new GridSampler(pointsPerAxis: 3), Space, _ => 0, Combinations);
        var shuffled = Run(new GridSampler(pointsPerAxis: 3, seed: 1), Space, _ => 0, Combinations);

        static string Key(TrialRecord t) => string.Join(";", t.Parameters.Select(kv => $"{kv.Key}={kv.Value}"));
        Assert.NotEqual(plain.Select(Key), shuffled.Select(Key));
        Assert.Equal(plain.Select(Key).Order(), shuffled.Select(Key).Order());
    }

    [Fact]
    public void Parallel_callers_never_get_the_same_point()
    {
        var grid = new GridSampler(pointsPerAxis: 3);
        var results = new IReadOnlyDictionary<string, object>[Combinations];

        Parallel.For(0, Combinations, i => results[i] = grid.Sample(Space, [], StudyDirection.Minimize));

        Assert.Equal(Combinations, results.Select(r => string.Join(";", r.Values)).Distinct().Count());
        Assert.True(grid.IsExhausted);
    }
}
