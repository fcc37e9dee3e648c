namespace Dsl;

// Convolutions and pooling beyond the core set. As for every layer, input sizes (channels, lengths) are inferred.

/// <summary>A 1-D convolution over [C, L] inputs.</summary>
public sealed class Conv1dAttribute(object outChannels, object kernelSize) : ConvolutionAttribute(outChannels, kernelSize);

/// <summary>2-D average pooling over [C, H, W] inputs.</summary>
public sealed class AvgPool2dAttribute : LayerAttribute
{
    /// <summary>Average pooling with a square window of <paramref name="kernelSize"/>; the stride defaults to the window.</summary>
    public AvgPool2dAttribute(int kernelSize) { KernelSize = kernelSize; }

    /// <summary>Window size.</summary>
    public int KernelSize { get; }

    /// <summary>Stride; 0 means equal to <see cref="KernelSize"/>.</summary>
    public int Stride { get; set; }

    /// <summary>Implicit zero padding on both sides, counted in the average as PyTorch does by default.</summary>
    public int Padding { get; set; }
}

/// <summary>2-D adaptive average pooling: any [C, H, W] input becomes [C, height, width].</summary>
public sealed class AdaptiveAvgPool2dAttribute : LayerAttribute
{
    /// <summary>Pools to a square <paramref name="outputSize"/> x <paramref name="outputSize"/> (a constant or a <c>nameof</c>).</summary>
    public AdaptiveAvgPool2dAttribute(object outputSize) { Height = outputSize; Width = outputSize; }

    /// <summary>Pools to <paramref name="height"/> x <paramref name="width"/> (constants or <c>nameof</c>s).</summary>
    public AdaptiveAvgPool2dAttribute(object height, object width) { Height = height; Width = width; }

    /// <summary>Output height: a constant or the name of an int member.</summary>
    public object Height { get; }

    /// <summary>Output width: a constant or the name of an int member.</summary>
    public object Width { get; }
}
