using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>Reduces batch-first [batch, length, features] input over its steps to [batch, features]: the mean or the maximum.</summary>
public sealed class SequencePool : nn.Module<Tensor, Tensor>
{
    /// <summary>Pools with <paramref name="pooling"/>; generated code passes the attribute's value or a hyperparameter.</summary>
    public SequencePool(SequencePooling pooling) : base(nameof(SequencePool))
    {
        if (pooling is not (SequencePooling.Mean or SequencePooling.Max))
            throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Unknown sequence pooling.");
        Pooling = pooling;
    }

    /// <summary>How the steps are reduced.</summary>
    public SequencePooling Pooling { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) =>
        Pooling == SequencePooling.Mean ? input.mean([1L]) : input.amax([1L]);
}
