namespace Dsl.Search.Sampling;

/// <summary>Factory methods for the built-in samplers, for use in sweep options.</summary>
public static class Samplers
{
    /// <summary>Independent uniform draws.</summary>
    public static RandomSampler Random(int? seed = null) => new(seed);

    /// <summary>
    /// Tree-structured Parzen Estimator: random for <paramref name="startupTrials"/> trials, then model-based; null for a
    /// startup count that follows the sweep's trial budget (see <see cref="TpeOptions.StartupTrials"/>).
    /// </summary>
    public static TpeSampler Tpe(int? seed = null, int? startupTrials = null, bool multivariate = true, bool constantLiar = false) =>
        new(seed, new TpeOptions { StartupTrials = startupTrials, Multivariate = multivariate, ConstantLiar = constantLiar });

    /// <summary>Tree-structured Parzen Estimator with every setting given.</summary>
    public static TpeSampler Tpe(int? seed, TpeOptions options) => new(seed, options);

    /// <summary>Every combination of grid values, each once; <paramref name="pointsPerAxis"/> points on continuous axes.</summary>
    public static GridSampler Grid(int pointsPerAxis = 5, IReadOnlyDictionary<string, IReadOnlyList<object>>? values = null, int? seed = null) =>
        new(pointsPerAxis, values, seed);

    /// <summary>A scrambled Halton low-discrepancy sequence.</summary>
    public static HaltonSampler Halton(int? seed = null) => new(seed);

    /// <summary>The built-in quasi-random (low-discrepancy) sampler: currently the scrambled Halton sequence.</summary>
    public static ISampler QuasiRandom(int? seed = null) => new HaltonSampler(seed);

    /// <summary>CMA-ES over the numeric parameters (random for categoricals and conditional parameters).</summary>
    public static CmaEsSampler CmaEs(int? seed = null, double sigma0 = 1.0 / 6, int? populationSize = null) =>
        new(seed, sigma0, populationSize);
}
