using Dsl.Search;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;

namespace Dsl.Runtime.Tests.Search;

/// <summary>Runs sequential studies without a runner, and holds the spaces several tests share.</summary>
internal static class StudySimulator
{
    public enum Color { Red, Green, Blue }

    /// <summary>Every kind of parameter, with a conditional pair under <c>optimizer</c>.</summary>
    public static SearchSpace MixedSpace { get; } = new(
    [
        new FloatParameter("rate", 0.0, 0.5, 0.25),
        new FloatParameter("lr", 1e-5, 1e-1, 1e-3, Log: true),
        new FloatParameter("ratio", 0.1, 0.95, 0.5, Step: 0.05),
        new IntParameter("layers", 1, 6, 2),
        new IntParameter("width", 16, 1024, 64, Log: true),
        new IntParameter("batch", 32, 256, 64, Step: 32),
        new CategoricalParameter("optimizer", ["adam", "sgd"], 0),
        new FloatParameter("momentum", 0.5, 0.99, 0.9) { Condition = new ParameterCondition("optimizer", ["sgd"]) },
        new IntParameter("warmup", 0, 10, 0) { Condition = new ParameterCondition("optimizer", ["sgd"]) },
        new CategoricalParameter("color", [Color.Red, Color.Green, Color.Blue], 0),
        new CategoricalParameter("bias", [true, false], 0),
    ]);

    /// <summary>A smooth objective over <see cref="MixedSpace"/> so that model-based samplers have something to learn.</summary>
    public static double MixedObjective(IReadOnlyDictionary<string, object> p)
    {
        var value = Math.Pow((double)p["rate"] - 0.1, 2) + Math.Pow(Math.Log10((double)p["lr"]) + 3, 2) * 0.1
            + Math.Abs((long)p["layers"] - 3) * 0.05 + ((Color)p["color"] == Color.Green ? 0 : 0.1);
        if (p.TryGetValue("momentum", out var m)) value += Math.Abs((double)m - 0.9);
        return value;
    }

    public static List<TrialRecord> Run(
        ISampler sampler,
        SearchSpace space,
        Func<IReadOnlyDictionary<string, object>, double> objective,
        int trials,
        StudyDirection direction = StudyDirection.Minimize)
    {
        var history = new List<TrialRecord>();
        for (var number = 0; number < trials; number++)
        {
            var parameters = sampler.Sample(space, history, direction);
            history.Add(Complete(number, parameters, objective(parameters)));
        }
        return history;
    }

    public static TrialRecord Complete(int number, IReadOnlyDictionary<string, object> parameters, double value) =>
        new(number, TrialState.Complete, parameters, value, new Dictionary<int, double>());

    public static double Best(IEnumerable<TrialRecord> history, StudyDirection direction = StudyDirection.Minimize) =>
        direction == StudyDirection.Minimize ? history.Min(t => t.Value!.Value) : history.Max(t => t.Value!.Value);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }

    /// <summary>The samplers every contract test runs against, by name so that failures say which.</summary>
    public static ISampler Create(string name, int seed) => name switch
    {
        "random" => new RandomSampler(seed),
        "tpe" => new TpeSampler(seed, new TpeOptions { StartupTrials = 5 }),
        "tpe-univariate" => new TpeSampler(seed, new TpeOptions { StartupTrials = 5, Multivariate = false }),
        "halton" => new HaltonSampler(seed),
        "cmaes" => new CmaEsSampler(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static TheoryData<string> SeededSamplers => new() { "random", "tpe", "tpe-univariate", "halton", "cmaes" };
}
