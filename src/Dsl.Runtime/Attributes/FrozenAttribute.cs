namespace Dsl;

/// <summary>
/// Marks a block method (one that <c>Fuse</c>, <c>Residual</c> or <c>Repeat</c> uses) whose parameters do not train: the
/// trainer freezes every layer of the block, and of the blocks nested inside it, for each run, unless
/// <c>TrainingOptions.TrainFrozenBlocks</c> is set.
/// </summary>
/// <remarks>
/// By default the BatchNorm layers of a frozen block stay in eval mode, so their running statistics stay as loaded, as
/// Keras does for layers that are not trainable. Where a frozen block is nested in another, its own setting decides for
/// its layers.
/// <para>
/// A Residual's projecting shortcut (the Linear or 1×1 Conv that matches the input to the body's output shape) belongs
/// to the block whose layers hold the Residual, not to its body: <c>[Frozen]</c> on the body freezes the body
/// (<c>&lt;field&gt;.body</c>) while the shortcut (<c>&lt;field&gt;.shortcut</c>) trains, and <c>[Frozen]</c> on the block
/// that holds the Residual freezes both. An identity shortcut has no weights either way.
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class FrozenAttribute : Attribute
{
    /// <summary>
    /// Lets the BatchNorm layers of the block update their running statistics while their affine parameters stay
    /// frozen; false (the default) keeps them in eval mode.
    /// </summary>
    public bool TrainBatchNorm { get; set; }
}
