using Dsl.FineTuning;
using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Compression;

/// <summary>
/// Pruning during one training run: which epochs prune to which sparsity (the <see cref="PruningSchedule"/>), and the
/// masks that keep pruned weights at zero through every optimizer step after.
/// </summary>
internal sealed class PruningPlan : IDisposable
{
    private readonly TrainingOptions options;
    private readonly PruningMasks masks;
    private readonly int startEpoch;
    private readonly int steps;

    private PruningPlan(TrainingOptions options, PruningMasks masks)
    {
        this.options = options;
        this.masks = masks;
        startEpoch = options.PruneStartEpoch;
        steps = options.PruneSchedule == PruningSchedule.OneShot ? 1 : (options.EffectivePruneEndEpoch - startEpoch) / options.PruneEveryEpochs + 1;
    }

    /// <summary>
    /// The plan of this run, or null when <see cref="TrainingOptions.PruneTargetSparsity"/> is 0. It is made after the
    /// run froze its layers, and leaves the frozen weights out: frozen means unchanged, so they hold no mask.
    /// </summary>
    public static PruningPlan? For(TrainingOptions options, nn.Module module)
    {
        if (options.PruneTargetSparsity == 0) return null;
        var layers = options.PruneLayers is null ? null : LayerPattern.Parse(options.PruneLayers, nameof(TrainingOptions.PruneLayers));
        return new PruningPlan(options, PruningMasks.For(module, layers, options.PruneMethod, leaveFrozen: true));
    }

    /// <summary>The sparsity the schedule reaches after its <paramref name="step"/>-th pruning of <paramref name="steps"/> (1-based).</summary>
    public static double SparsityAt(PruningSchedule schedule, double target, int step, int steps) => schedule switch
    {
        PruningSchedule.OneShot => target,
        PruningSchedule.Steps => target * step / steps,
        // Zhu & Gupta: s_t = s_f + (s_i - s_f)(1 - t/n)^3 with s_i = 0.
        PruningSchedule.Cubic => target * (1 - Math.Pow(1 - step / (double)steps, 3)),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "Unknown pruning schedule."),
    };

    /// <summary>The epoch of the schedule's last pruning step: weights of earlier epochs hold fewer zeros than the run ends with.</summary>
    public int LastPruningEpoch => startEpoch + (steps - 1) * options.PruneEveryEpochs;

    /// <summary>Prunes when the schedule says <paramref name="epoch"/> starts with a pruning step.</summary>
    public void BeforeEpoch(int epoch)
    {
        var offset = epoch - startEpoch;
        if (offset < 0 || offset % options.PruneEveryEpochs != 0 || offset / options.PruneEveryEpochs >= steps) return;
        masks.PruneTo(SparsityAt(options.PruneSchedule, options.PruneTargetSparsity, offset / options.PruneEveryEpochs + 1, steps),
            options.PruneMethod, options.PruneNorm);
    }

    /// <summary>Zeroes the pruned weights again after an optimizer step or after the weights were replaced.</summary>
    public void Apply() => masks.Apply();

    /// <summary>The sparsity of the pruned layers now.</summary>
    public SparsityReport Measure() => masks.Measure();

    public void Dispose() => masks.Dispose();
}
