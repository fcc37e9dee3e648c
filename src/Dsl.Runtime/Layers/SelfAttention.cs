using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>
/// Multi-head self-attention over batch-first [batch, length, embedding] input: the input is query, key and value.
/// TorchSharp's MultiheadAttention is sequence-first and returns a tuple, so this adapts it to one tensor in, one out.
/// </summary>
public sealed class SelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly MultiheadAttention self_attn;

    /// <summary>Self-attention over <paramref name="embeddingSize"/> features split into <paramref name="numHeads"/> heads.</summary>
    public SelfAttention(long embeddingSize, long numHeads, double dropout = 0, bool bias = true) : base(nameof(SelfAttention))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numHeads, 1);
        if (embeddingSize % numHeads != 0)
            throw new ArgumentException($"{numHeads} attention heads do not divide the embedding size {embeddingSize}.", nameof(numHeads));
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        self_attn = nn.MultiheadAttention(embeddingSize, numHeads, dropout, bias);
        RegisterComponents();
    }

    /// <summary>The wrapped TorchSharp module (sequence-first).</summary>
    public MultiheadAttention Inner => self_attn;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var sequenceFirst = input.transpose(0, 1);
        var (output, _) = self_attn.call(sequenceFirst, sequenceFirst, sequenceFirst, null, false, null);
        return output.transpose(0, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            self_attn.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}
