using Dsl.Search;

namespace Dsl.Bench;

/// <summary>The synthetic objectives of peers/optuna_synthetic.py, ported term by term so both sides optimise the same functions.</summary>
internal static class SamplersObjectives
{
    private static readonly double[][] HartmannA =
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ];

    private static readonly double[][] HartmannP =
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ];

    private static readonly double[] HartmannC = [1.0, 1.2, 3.0, 3.2];

    /// <summary>The three objectives in the peer's order, with their known optima.</summary>
    public static IReadOnlyList<Objective> All { get; } =
    [
        new("branin", new SearchSpace([new FloatParameter("x", -5, 10, 2.5), new FloatParameter("y", 0, 15, 7.5)]), Branin, 0.397887),
        new("hartmann6", new SearchSpace(Enumerable.Range(0, 6).Select(i => (ParameterSpec)new FloatParameter($"x{i}", 0, 1, 0.5))), Hartmann6, -3.32237),
        new("mixed", new SearchSpace(
        [
            new FloatParameter("lr", 1e-5, 1.0, 1e-3, Log: true),
            new IntParameter("width", 8, 512, 64, Log: true),
            new CategoricalParameter("opt", ["sgd", "adam", "nadam"], 1),
        ]), Mixed, 0.0),
    ];

    private static double Branin(IReadOnlyDictionary<string, object> p)
    {
        var x = (double)p["x"];
        var y = (double)p["y"];
        var inner = y - 5.1 / (4 * Math.PI * Math.PI) * x * x + 5 / Math.PI * x - 6;
        return inner * inner + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x) + 10;
    }

    private static double Hartmann6(IReadOnlyDictionary<string, object> p)
    {
        Span<double> x = stackalloc double[6];
        for (var j = 0; j < 6; j++) x[j] = (double)p[$"x{j}"];
        double sum = 0;
        for (var i = 0; i < 4; i++)
        {
            double exponent = 0;
            for (var j = 0; j < 6; j++)
            {
                var d = x[j] - HartmannP[i][j] * 1e-4;
                exponent += HartmannA[i][j] * d * d;
            }
            sum += HartmannC[i] * Math.Exp(-exponent);
        }
        return -sum;
    }

    private static double Mixed(IReadOnlyDictionary<string, object> p)
    {
        var lr = (double)p["lr"];
        var width = (long)p["width"];
        var optimizerPenalty = (string)p["opt"] switch
        {
            "sgd" => 0.08,
            "adam" => 0.0,
            _ => 0.01,
        };
        var lrTerm = Math.Log10(lr) + 3;
        var widthTerm = Math.Log2(width) - 7;
        return lrTerm * lrTerm * 0.1 + widthTerm * widthTerm * 0.02 + optimizerPenalty;
    }
}

/// <summary>One synthetic objective: its space, its function and the known minimum.</summary>
internal sealed record Objective(string Name, SearchSpace Space, Func<IReadOnlyDictionary<string, object>, double> Evaluate, double Optimum);
