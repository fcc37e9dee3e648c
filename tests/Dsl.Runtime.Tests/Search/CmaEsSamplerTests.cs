using Dsl.Search;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using static Dsl.Runtime.Tests.Search.StudySimulator;

namespace Dsl.Runtime.Tests.Search;

public class CmaEsSamplerTests
{
    private static readonly SearchSpace Sphere = new(Enumerable.Range(0, 4).Select(i => (ParameterSpec)new FloatParameter($"x{i}", -3, 3, 0)));

    private static double Distance(IReadOnlyDictionary<string, object> p) =>
        Enumerable.Range(0, 4).Sum(i => Math.Pow((double)p[$"x{i}"] - 0.2 * i - 0.5, 2));

    [Fact]
    public void Later_generations_are_better_than_the_first()
    {
        var sampler = new CmaEsSampler(seed: 3);

        var history = Run(sampler, Sphere, Distance, 120);

        // λ = 8 in 4 dimensions: 15 generations were proposed, and all but the last have been told.
        Assert.Equal(14, sampler.Generation);
        var first = Median(history.Take(10).Select(t => t.Value!.Value));
        var last = Median(history.TakeLast(10).Select(t => t.Value!.Value));
        Assert.True(last < 0.05 * first, $"first generation median {first:F3}, last {last:F4}");
    }

    [Fact]
    public void A_generation_is_told_only_when_its_trials_have_finished()
    {
        var sampler = new CmaEsSampler(seed: 1, populationSize: 4);
        var history = new List<TrialRecord>();
        for (var n = 0; n < 8; n++)
        {
            // Running trials carry no result, however many there are.
            var p = sampler.Sample(Sphere, history, StudyDirection.Minimize);
            history.Add(new TrialRecord(n, TrialState.Running, p, null, new Dictionary<int, double>()));
        }
        Assert.Equal(0, sampler.Generation);

        var finished = history.Select(t => t with { State = TrialState.Complete, Value = Distance(t.Parameters) }).ToList();
        sampler.Sample(Sphere, finished, StudyDirection.Minimize);

        Assert.Equal(1, sampler.Generation);
    }

    [Fact]
    public void Categoricals_are_drawn_at_random_beside_the_numeric_search()
    {
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5), new CategoricalParameter("c", ["a", "b", "c"], 0)]);

        var history = Run(new CmaEsSampler(seed: 2), space, p => (double)p["x"], 60);

        Assert.Equal(3, history.Select(t => t.Parameters["c"]).Distinct().Count());
    }

    [Fact]
    public void Starts_from_the_best_trial_already_in_the_history()
    {
        var space = new SearchSpace([new FloatParameter("x", 0, 100, 50)]);
        var history = new List<TrialRecord>
        {
            Complete(0, new Dictionary<string, object> { ["x"] = 10.0 }, 5.0),
            Complete(1, new Dictionary<string, object> { ["x"] = 90.0 }, 1.0),
        };

        var first = (double)new CmaEsSampler(seed: 0, sigma0: 0.05).Sample(space, history, StudyDirection.Minimize)["x"];

        Assert.InRange(first, 70, 100);
    }
}
