namespace Dsl.Search.Pruning;

/// <summary>Factory methods for the built-in pruners, for use in sweep options.</summary>
public static class Pruners
{
    /// <summary>Never prunes.</summary>
    public static IPruner None => NopPruner.Instance;

    /// <summary>Prunes trials worse than the median of complete trials at the same epoch.</summary>
    public static MedianPruner Median(int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1, int minTrials = 1) =>
        new(startupTrials, warmupSteps, intervalSteps, minTrials);

    /// <summary>Prunes trials worse than the given percentile (from the best) of complete trials at the same epoch.</summary>
    public static PercentilePruner Percentile(double percentile, int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1, int minTrials = 1) =>
        new(percentile, startupTrials, warmupSteps, intervalSteps, minTrials);

    /// <summary>Asynchronous successive halving over epochs 1 … <paramref name="maxEpochs"/>: rungs at min·η^k.</summary>
    public static SuccessiveHalvingPruner Asha(int maxEpochs, int minEpochs = 1, int reductionFactor = 3, int bootstrapCount = 0) =>
        new(minEpochs, reductionFactor, 0, bootstrapCount, maxEpochs);

    /// <summary>Hyperband: several successive-halving brackets of different aggressiveness, trials spread by a stable hash.</summary>
    public static HyperbandPruner Hyperband(int maxEpochs, int minEpochs = 1, int reductionFactor = 3) =>
        new(minEpochs, maxEpochs, reductionFactor);
}
