namespace Dsl;

// Convolutions and pooling beyond the core set. As for every layer, input sizes (channels, lengths) are inferred.

/// <summary>A 1-D convolution over [C, L] inputs.</summary>
public sealed class Conv1dAttribute(object outChannels, object kernelSize) : ConvolutionAttribute(outChannels, kernelSize);

/// <summary>1-D max pooling over [C, L] inputs, such as a <see cref="Conv1dAttribute"/>'s output.</summary>
public sealed class MaxPool1dAttribute(object kernelSize) : WindowPoolingAttribute(kernelSize);

/// <summary>1-D average pooling over [C, L] inputs, such as a <see cref="Conv1dAttribute"/>'s output.</summary>
public sealed class AvgPool1dAttribute(object kernelSize) : WindowPoolingAttribute(kernelSize);

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
public sealed class AvgPool2dAttribute(object kernelSize) : WindowPoolingAttribute(kernelSize);

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
