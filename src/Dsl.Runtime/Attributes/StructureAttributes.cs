namespace Dsl;

// Structure: blocks are partial Tensor methods carrying layers; these attributes combine them.
// Each block is used exactly once, because each use builds its own weights.

/// <summary>How a fusion point merges its branches; as a hyperparameter type it makes the merge searchable.</summary>
public enum FusionKind
{
    /// <summary>Concatenate the branch features; the width is the sum of the branch widths.</summary>
    Concat,
    /// <summary>Element-wise sum after projecting every branch to a common width.</summary>
    Sum,
    /// <summary>Element-wise mean after projecting every branch to a common width.</summary>
    Mean,
    /// <summary>A sum weighted by learned, softmax-normalised branch weights.</summary>
    WeightedSum,
    /// <summary>Additive attention over the branch embeddings: a learned query scores each branch per sample.</summary>
    Attention,
    /// <summary>Per-sample sigmoid gates computed from all branches scale each branch before summing.</summary>
    Gated,
}

/// <summary>A fusion point: runs each named branch and merges the results with <see cref="FusionKind"/>.</summary>
/// <remarks>
/// At the start of a block the branches receive the block's inputs, matched by parameter name (an image branch and a
/// tabular branch of a two-input model); after other layers they receive the current tensor. Branches must produce
/// vectors ([features]); flatten them first.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class FuseAttribute : LayerAttribute
{
    /// <summary>Merges <paramref name="branches"/> with <paramref name="kind"/>: a FusionKind or nameof(a FusionKind member).</summary>
    public FuseAttribute(object kind, params string[] branches) { Kind = kind; Branches = branches; }

    /// <summary>The fusion op, or the name of the hyperparameter that chooses it.</summary>
    public object Kind { get; }

    /// <summary>The branch methods (use nameof).</summary>
    public string[] Branches { get; }

    /// <summary>Common width that branches are projected to for ops that need equal widths (an int or nameof).</summary>
    public object? Width { get; set; }
}

/// <summary>A residual connection around a block: block(x) + x, with a projection when the shapes differ.</summary>
public sealed class ResidualAttribute : LayerAttribute
{
    /// <summary>Adds the input of <paramref name="block"/> to its output.</summary>
    public ResidualAttribute(string block) { Block = block; }

    /// <summary>The block method (use nameof).</summary>
    public string Block { get; }
}

/// <summary>Applies a block several times in sequence, each copy with its own weights; the count can be a hyperparameter.</summary>
public sealed class RepeatAttribute : LayerAttribute
{
    /// <summary>Repeats <paramref name="block"/> <paramref name="count"/> times (an int or nameof an int member).</summary>
    public RepeatAttribute(string block, object count) { Block = block; Count = count; }

    /// <summary>The block method (use nameof); it must keep the shape of its input.</summary>
    public string Block { get; }

    /// <summary>How many copies: a constant or the name of an int member.</summary>
    public object Count { get; }
}

/// <summary>The shape of one input of a multi-input model, without the batch dimension.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class ShapeAttribute : Attribute
{
    /// <summary>The per-sample shape of this input.</summary>
    public ShapeAttribute(params int[] dimensions) { Dimensions = dimensions; }

    /// <summary>The per-sample shape of this input.</summary>
    public int[] Dimensions { get; }
}
