using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Dsl.FineTuning;

/// <summary>
/// Freezing for one training run: the parameters <see cref="TrainingOptions.FreezeLayers"/> selects stop requiring
/// gradients (so no optimizer or weight decay touches them) until the run ends, and with
/// <see cref="TrainingOptions.FreezeBatchNorm"/> the BatchNorm layers among them stay in eval mode, keeping their running statistics.
/// </summary>
internal sealed class LayerFreezing : IDisposable
{
    private readonly Parameter[] frozen;
    private readonly nn.Module[] batchNorms;

    private LayerFreezing(Parameter[] frozen, nn.Module[] batchNorms)
    {
        this.frozen = frozen;
        this.batchNorms = batchNorms;
        foreach (var parameter in frozen) parameter.requires_grad = false;
    }

    /// <summary>Freezes what the options select, or returns null when <see cref="TrainingOptions.FreezeLayers"/> is null.</summary>
    /// <exception cref="ArgumentException">The pattern selects no parameter.</exception>
    public static LayerFreezing? For(TrainingOptions options, nn.Module module, string modelName)
    {
        if (options.FreezeLayers is null) return null;
        var pattern = LayerPattern.Parse(options.FreezeLayers, nameof(TrainingOptions.FreezeLayers));
        var named = module.named_parameters().ToArray();
        var frozen = named.Where(p => pattern.Matches(p.name) && p.parameter.requires_grad).Select(p => p.parameter).ToArray();
        if (frozen.Length == 0 && !named.Any(p => pattern.Matches(p.name)))
            throw new ArgumentException(
                $"FreezeLayers '{pattern}' selects no parameter of {modelName}; its parameters are {string.Join(", ", named.Select(p => p.name))}.",
                nameof(options));
        var batchNorms = options.FreezeBatchNorm
            ? module.named_modules().Where(m => IsBatchNorm(m.module) && pattern.Matches(m.name)).Select(m => m.module).ToArray()
            : [];
        return new LayerFreezing(frozen, batchNorms);
    }

    /// <summary>The BatchNorm layers kept in eval mode: their running statistics must not change, not even by SWA's recompute.</summary>
    public IReadOnlyCollection<nn.Module> FrozenBatchNorms => batchNorms;

    /// <summary>Puts the frozen BatchNorm layers back in eval mode after the model was set to training mode.</summary>
    public void AfterTrainMode()
    {
        foreach (var batchNorm in batchNorms) batchNorm.eval();
    }

    /// <summary>Unfreezes: the model leaves the run as trainable as it came.</summary>
    public void Dispose()
    {
        foreach (var parameter in frozen) parameter.requires_grad = true;
    }

    private static bool IsBatchNorm(nn.Module module) => module is BatchNorm;
}
