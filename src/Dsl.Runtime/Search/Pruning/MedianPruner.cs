namespace Dsl.Search.Pruning;

/// <summary>Prunes a trial whose best value so far is worse than the median of the complete trials' values at the same step.</summary>
public sealed class MedianPruner : PercentilePruner
{
    /// <summary>Creates a median pruner.</summary>
    /// <param name="startupTrials">No pruning until this many trials have completed.</param>
    /// <param name="warmupSteps">No pruning at steps below this one.</param>
    /// <param name="intervalSteps">Judge only every this many steps after the warm-up.</param>
    /// <param name="minTrials">No pruning at a step until this many complete trials reported a value for it.</param>
    public MedianPruner(int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1, int minTrials = 1)
        : base(50, startupTrials, warmupSteps, intervalSteps, minTrials)
    {
    }
}
