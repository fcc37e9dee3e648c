namespace Dsl;

// Convolutions and pooling beyond the core set. As for every layer, input sizes (channels, lengths) are inferred.

/// <summary>A 1-D convolution over [C, L] inputs.</summary>
public sealed class Conv1dAttribute(object outChannels, object kernelSize) : ConvolutionAttribute(outChannels, kernelSize);

/// <summary>1-D max pooling over [C, L] inputs, such as a <see cref="Conv1dAttribute"/>'s output.</summary>
public sealed class MaxPool1dAttribute : LayerAttribute
{
    /// <summary>Max pooling with a window of <paramref name="kernelSize"/> steps (a constant or a <c>nameof</c>); the stride defaults to the window.</summary>
    public MaxPool1dAttribute(object kernelSize) { KernelSize = kernelSize; }

    /// <summary>Window size: a constant or the name of an int member.</summary>
    public object KernelSize { get; }

    /// <summary>Stride: a constant or the name of an int member; when not set, the window size.</summary>
    public object? Stride { get; set; }

    /// <summary>Implicit negative-infinity padding on both sides: a constant (default 0, at most half the window) or the name of an int member.</summary>
    public object? Padding { get; set; }
}

/// <summary>1-D average pooling over [C, L] inputs, such as a <see cref="Conv1dAttribute"/>'s output.</summary>
public sealed class AvgPool1dAttribute : LayerAttribute
{
    /// <summary>Average pooling with a window of <paramref name="kernelSize"/> steps (a constant or a <c>nameof</c>); the stride defaults to the window.</summary>
    public AvgPool1dAttribute(object kernelSize) { KernelSize = kernelSize; }

    /// <summary>Window size: a constant or the name of an int member.</summary>
    public object KernelSize { get; }

    /// <summary>Stride: a constant or the name of an int member; when not set, the window size.</summary>
    public object? Stride { get; set; }

    /// <summary>Implicit zero padding on both sides, counted in the average as PyTorch does by default: a constant (default 0, at most half the window) or the name of an int member.</summary>
    public object? Padding { get; set; }
}

/// <summary>1-D adaptive average pooling: any [C, L] input becomes [C, outputSize].</summary>
/// <remarks><c>[AdaptiveAvgPool1d(1), Flatten]</c> is global average pooling over the length, whatever the length is.</remarks>
public sealed class AdaptiveAvgPool1dAttribute : LayerAttribute
{
    /// <summary>Pools every channel to <paramref name="outputSize"/> values (a constant or a <c>nameof</c>).</summary>
    public AdaptiveAvgPool1dAttribute(object outputSize) { OutputSize = outputSize; }

    /// <summary>Output length: a constant or the name of an int member.</summary>
    public object OutputSize { get; }
}

/// <summary>2-D average pooling over [C, H, W] inputs.</summary>
public sealed class AvgPool2dAttribute : LayerAttribute
{
    /// <summary>Average pooling with a square window of <paramref name="kernelSize"/> (a constant or a <c>nameof</c>); the stride defaults to the window.</summary>
    public AvgPool2dAttribute(object kernelSize) { KernelSize = kernelSize; }

    /// <summary>Window size: a constant or the name of an int member.</summary>
    public object KernelSize { get; }

    /// <summary>Stride: a constant or the name of an int member; when not set, the window size.</summary>
    public object? Stride { get; set; }

    /// <summary>Implicit zero padding on both sides, counted in the average as PyTorch does by default: a constant (default 0) or the name of an int member.</summary>
    public object? Padding { get; set; }
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
