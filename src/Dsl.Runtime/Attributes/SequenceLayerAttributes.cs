namespace Dsl;

// Sequence layers work batch-first: a sample is [length, features] (or [length] token ids for Embedding), whatever
// layout the underlying TorchSharp module uses. Input sizes are inferred like everywhere else.

/// <summary>What a recurrent layer returns.</summary>
/// <remarks>For the mean or the maximum over every step, return <see cref="All"/> and follow with <see cref="PoolSequenceAttribute"/>.</remarks>
public enum Sequence
{
    /// <summary>The final hidden state of the last layer, [hidden] (both directions side by side when bidirectional).</summary>
    Last,
    /// <summary>The output at every step, [length, hidden] (both directions side by side when bidirectional).</summary>
    All,
}

/// <summary>A lookup table from token ids to vectors: [L] ids become [L, embeddingDim].</summary>
public sealed class EmbeddingAttribute : LayerAttribute
{
    /// <summary>A table of <paramref name="numEmbeddings"/> vectors of size <paramref name="embeddingDim"/> (constants or <c>nameof</c>s).</summary>
    public EmbeddingAttribute(object numEmbeddings, object embeddingDim) { NumEmbeddings = numEmbeddings; EmbeddingDim = embeddingDim; }

    /// <summary>Vocabulary size: a constant or the name of an int member.</summary>
    public object NumEmbeddings { get; }

    /// <summary>Size of each vector: a constant or the name of an int member.</summary>
    public object EmbeddingDim { get; }

    /// <summary>A token id whose vector stays zero and gets no gradient; -1 for none.</summary>
    public int PaddingIndex { get; set; } = -1;
}

/// <summary>The arguments LSTM and GRU share: a recurrent layer over [L, F] inputs whose input feature count is inferred.</summary>
public abstract class RecurrentAttribute : LayerAttribute
{
    /// <summary>A recurrent layer with <paramref name="hiddenSize"/> units per direction (a constant or a <c>nameof</c>).</summary>
    protected RecurrentAttribute(object hiddenSize) { HiddenSize = hiddenSize; }

    /// <summary>Hidden units per direction: a constant or the name of an int member.</summary>
    public object HiddenSize { get; }

    /// <summary>Number of stacked layers: a constant or the name of an int member (default 1).</summary>
    public object? NumLayers { get; set; }

    /// <summary>Whether a second pass reads the sequence backwards; the output width doubles.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>Dropout between stacked layers: a constant (default 0) or the name of a double member; needs <see cref="NumLayers"/> above 1.</summary>
    public object? Dropout { get; set; }

    /// <summary>Whether the gates learn additive biases.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>The final state only, or every step.</summary>
    public Sequence Return { get; set; } = Sequence.Last;
}

/// <summary>A long short-term memory layer over [L, F] inputs.</summary>
public sealed class LSTMAttribute(object hiddenSize) : RecurrentAttribute(hiddenSize);

/// <summary>A gated recurrent unit layer over [L, F] inputs.</summary>
public sealed class GRUAttribute(object hiddenSize) : RecurrentAttribute(hiddenSize);

/// <summary>Multi-head self-attention over [L, E] inputs: query, key and value are the input; E is inferred.</summary>
public sealed class MultiheadAttentionAttribute : LayerAttribute
{
    /// <summary>Self-attention with <paramref name="numHeads"/> heads (a constant or a <c>nameof</c>); they must divide E.</summary>
    public MultiheadAttentionAttribute(object numHeads) { NumHeads = numHeads; }

    /// <summary>Number of heads: a constant or the name of an int member.</summary>
    public object NumHeads { get; }

    /// <summary>Dropout on the attention weights: a constant (default 0) or the name of a double member.</summary>
    public object? Dropout { get; set; }

    /// <summary>Whether the input and output projections learn biases.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>A post-norm transformer encoder layer (self-attention + feed-forward) over [L, E] inputs; d_model is inferred.</summary>
public sealed class TransformerEncoderLayerAttribute : LayerAttribute
{
    /// <summary>An encoder layer with <paramref name="numHeads"/> heads and a <paramref name="dimFeedforward"/>-wide feed-forward, dropout 0.1.</summary>
    public TransformerEncoderLayerAttribute(object numHeads, object dimFeedforward) { NumHeads = numHeads; DimFeedforward = dimFeedforward; DropoutRate = 0.1; }

    /// <summary>An encoder layer whose <paramref name="dropout"/> is a constant or the name of a double member.</summary>
    public TransformerEncoderLayerAttribute(object numHeads, object dimFeedforward, object dropout) { NumHeads = numHeads; DimFeedforward = dimFeedforward; DropoutRate = dropout; }

    /// <summary>Number of attention heads: a constant or the name of an int member; they must divide d_model.</summary>
    public object NumHeads { get; }

    /// <summary>Width of the feed-forward network: a constant or the name of an int member.</summary>
    public object DimFeedforward { get; }

    /// <summary>Dropout probability: a constant or the name of a double member.</summary>
    public object DropoutRate { get; }

    /// <summary>The feed-forward activation: <see cref="Dsl.Activation.ReLU"/> or <see cref="Dsl.Activation.GELU"/>, the two TorchSharp offers.</summary>
    public Activation Activation { get; set; } = Activation.ReLU;
}

/// <summary>How <see cref="PoolSequenceAttribute"/> reduces the steps of a sequence to one vector.</summary>
public enum SequencePooling
{
    /// <summary>The mean over every step of each feature.</summary>
    Mean,
    /// <summary>The maximum over every step of each feature ("max over time").</summary>
    Max,
}

/// <summary>Pools a [length, features] sequence over its steps into [features]: the mean or the maximum over time.</summary>
/// <remarks>
/// It reads the layout every sequence layer produces: a recurrent layer with <c>Return = Sequence.All</c>, self-attention,
/// a transformer encoder layer or an embedding. Every step counts, padding tokens included; the pooling itself does not depend on the
/// length. After a <see cref="Conv1dAttribute"/>, whose output is [channels, length], pool
/// over the length with <c>[AdaptiveAvgPool1d(1), Flatten]</c> or a <see cref="MaxPool1dAttribute"/> instead.
/// </remarks>
public sealed class PoolSequenceAttribute : LayerAttribute
{
    /// <summary>Pools with <paramref name="pooling"/>: a <see cref="SequencePooling"/> value or the name of a SequencePooling member, which makes it searchable.</summary>
    public PoolSequenceAttribute(object pooling) { Pooling = pooling; }

    /// <summary>The pooling, or the name of the member that holds it.</summary>
    public object Pooling { get; }
}
