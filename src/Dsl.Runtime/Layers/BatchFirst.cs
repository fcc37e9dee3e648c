using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>
/// Runs a sequence-first TorchSharp layer ([length, batch, ...]) on the batch-first input generated models use:
/// TorchSharp's transformer layers have no batch_first option, so the first two dimensions are swapped around them.
/// </summary>
public sealed class BatchFirst : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> layer;

    /// <summary>Wraps <paramref name="layer"/>, which expects its sequence dimension first.</summary>
    public BatchFirst(nn.Module<Tensor, Tensor> layer) : base(nameof(BatchFirst))
    {
        this.layer = layer ?? throw new ArgumentNullException(nameof(layer));
        RegisterComponents();
    }

    /// <summary>A post-norm transformer encoder layer over [batch, length, <paramref name="dModel"/>] input.</summary>
    public static BatchFirst TransformerEncoderLayer(long dModel, long numHeads, long dimFeedforward, double dropout = 0.1,
        nn.Activations activation = nn.Activations.ReLU)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dModel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimFeedforward, 1);
        // libtorch would fail later with a native assertion; say which sizes clash while the arguments are at hand.
        if (dModel % numHeads != 0)
            throw new ArgumentException($"{numHeads} attention heads do not divide d_model {dModel}.", nameof(numHeads));
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        return new BatchFirst(nn.TransformerEncoderLayer(dModel, numHeads, dimFeedforward, dropout, activation));
    }

    /// <summary>The wrapped sequence-first layer.</summary>
    public nn.Module<Tensor, Tensor> Inner => layer;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return layer.call(input.transpose(0, 1)).transpose(0, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            layer.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}
