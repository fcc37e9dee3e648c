namespace Dsl;

// Normalization layers take no size: the normalized feature or channel count is inferred from the input shape.

/// <summary>Batch normalization over [F] or [C, L] inputs; the feature or channel count is inferred.</summary>
public sealed class BatchNorm1dAttribute : LayerAttribute
{
    /// <summary>Value added to the variance for numerical stability: a constant (default 1e-5) or the name of a double member.</summary>
    public object? Eps { get; set; }

    /// <summary>Weight of the current batch in the running statistics: a constant (default 0.1) or the name of a double member.</summary>
    public object? Momentum { get; set; }

    /// <summary>Whether the layer learns a per-feature scale and shift.</summary>
    public bool Affine { get; set; } = true;
}

/// <summary>Batch normalization over [C, H, W] inputs; the channel count is inferred.</summary>
public sealed class BatchNorm2dAttribute : LayerAttribute
{
    /// <summary>Value added to the variance for numerical stability: a constant (default 1e-5) or the name of a double member.</summary>
    public object? Eps { get; set; }

    /// <summary>Weight of the current batch in the running statistics: a constant (default 0.1) or the name of a double member.</summary>
    public object? Momentum { get; set; }

    /// <summary>Whether the layer learns a per-channel scale and shift.</summary>
    public bool Affine { get; set; } = true;
}

/// <summary>Layer normalization over the last dimension of the input, whose size is inferred.</summary>
public sealed class LayerNormAttribute : LayerAttribute
{
    /// <summary>Value added to the variance for numerical stability: a constant (default 1e-5) or the name of a double member.</summary>
    public object? Eps { get; set; }

    /// <summary>Whether the layer learns an element-wise scale and shift (PyTorch's elementwise_affine).</summary>
    public bool Affine { get; set; } = true;
}
