using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Dsl.FineTuning;

/// <summary>
/// Freezing for one training run: the parameters <see cref="TrainingOptions.FreezeLayers"/> selects, and those of the
/// blocks the model marks <see cref="FrozenAttribute"/>, stop requiring gradients (so no optimizer or weight decay
/// touches them) until the run ends. The BatchNorm layers among them that <see cref="TrainingOptions.FreezeBatchNorm"/>
/// or their block's <see cref="FrozenAttribute.TrainBatchNorm"/> keeps stay in eval mode, keeping their running statistics.
/// </summary>
internal sealed class LayerFreezing : IDisposable
{
    private readonly Parameter[] frozen;
    private readonly nn.Module[] batchNorms;

    private LayerFreezing(Parameter[] frozen, nn.Module[] batchNorms, string leftAfter)
    {
        this.frozen = frozen;
        this.batchNorms = batchNorms;
        LeftAfter = leftAfter;
        foreach (var parameter in frozen) parameter.requires_grad = false;
    }

    /// <summary>
    /// Freezes what the options select and the model's [Frozen] blocks (unless <see cref="TrainingOptions.TrainFrozenBlocks"/>),
    /// or returns null when there is neither.
    /// </summary>
    /// <exception cref="ArgumentException">The pattern selects no parameter.</exception>
    /// <exception cref="InvalidOperationException">A module the generated code names frozen does not exist: generator and runtime do not match.</exception>
    public static LayerFreezing? For(TrainingOptions options, nn.Module module, string modelName)
    {
        var declared = options.TrainFrozenBlocks ? [] : FrozenModuleReader.Of(module);
        if (options.FreezeLayers is null && declared.Count == 0) return null;
        var modules = module.named_modules().Select(m => m.name).ToHashSet(StringComparer.Ordinal);
        if (declared.FirstOrDefault(d => !modules.Contains(d.Name)) is { } missing)
            throw new InvalidOperationException(
                $"{modelName} declares the [Frozen] module '{missing.Name}', but has no module of that name: its generated code does not match the Dsl runtime (a generator/runtime mismatch); rebuild it with the Dsl package it runs with.");
        var named = module.named_parameters().ToArray();
        var pattern = options.FreezeLayers is null ? null : LayerPattern.Parse(options.FreezeLayers, nameof(TrainingOptions.FreezeLayers));
        if (pattern is not null && !named.Any(p => pattern.Matches(p.name)))
            throw new ArgumentException(
                $"FreezeLayers '{pattern}' selects no parameter of {modelName}; its parameters are {string.Join(", ", named.Select(p => p.name))}.",
                nameof(options));

        // Only parameters that train now: the run must not leave trainable one its caller had frozen.
        var frozen = named
            .Where(p => p.parameter.requires_grad && (pattern?.Matches(p.name) == true || declared.Any(d => d.Holds(p.name))))
            .Select(p => p.parameter).ToArray();
        var batchNorms = module.named_modules()
            .Where(m => IsBatchNorm(m.module)
                        && ((options.FreezeBatchNorm && pattern?.Matches(m.name) == true) || declared.Any(d => !d.TrainBatchNorm && d.Holds(m.name))))
            .Select(m => m.module).ToArray();
        var reasons = new[] { pattern is null ? null : $"FreezeLayers '{pattern}'", declared.Count == 0 ? null : "its [Frozen] blocks (TrainFrozenBlocks trains them)" };
        return new LayerFreezing(frozen, batchNorms, " left after " + string.Join(" and ", reasons.OfType<string>()));
    }

    /// <summary>What froze parameters, as the end of "has no trainable parameters": " left after FreezeLayers 'fc1'".</summary>
    public string LeftAfter { get; }

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
