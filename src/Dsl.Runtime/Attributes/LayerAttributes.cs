namespace Dsl;

// Layer attributes are applied to a partial method in source order, left to right and top to bottom.
// Size arguments are `object` so that each one can be a constant (`64`) or a refactor-safe reference
// to a hyperparameter or a derived property (`nameof(Hidden)`); the generator checks the types.
// Input sizes are never written: the generator infers them from the model's Input shape.

/// <summary>Base class of every layer attribute the generator understands.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>Field name of the generated submodule (and so its state_dict key); generated when empty.</summary>
    public string? Name { get; set; }
}

/// <summary>A fully connected layer: <c>torch.nn.Linear(inferred, outFeatures)</c> over the last dimension.</summary>
public sealed class LinearAttribute : LayerAttribute
{
    /// <summary>A linear layer producing <paramref name="outFeatures"/> features (a constant or a <c>nameof</c>).</summary>
    public LinearAttribute(object outFeatures) { OutFeatures = outFeatures; }

    /// <summary>Number of output features: a constant or the name of an int member.</summary>
    public object OutFeatures { get; }

    /// <summary>Whether the layer learns an additive bias.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>The arguments every convolution shares; the input channel count is always inferred.</summary>
public abstract class ConvolutionAttribute : LayerAttribute
{
    /// <summary>A convolution with <paramref name="outChannels"/> filters of size <paramref name="kernelSize"/>.</summary>
    protected ConvolutionAttribute(object outChannels, object kernelSize) { OutChannels = outChannels; KernelSize = kernelSize; }

    /// <summary>Number of output channels: a constant or the name of an int member.</summary>
    public object OutChannels { get; }

    /// <summary>Kernel size (square for 2-D): a constant or the name of an int member.</summary>
    public object KernelSize { get; }

    /// <summary>Stride of the convolution: a constant (default 1) or the name of an int member.</summary>
    public object? Stride { get; set; }

    /// <summary>Zero padding added to both sides of each spatial dimension: a constant (default 0) or the name of an int member.</summary>
    public object? Padding { get; set; }

    /// <summary>Spacing between kernel elements: a constant (default 1) or the name of an int member.</summary>
    public object? Dilation { get; set; }

    /// <summary>Whether the layer learns an additive bias.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary>A 2-D convolution over [C, H, W] inputs.</summary>
public sealed class Conv2dAttribute(object outChannels, object kernelSize) : ConvolutionAttribute(outChannels, kernelSize);

/// <summary>The arguments every windowed pooling layer shares: one window size for each spatial dimension, a stride and a padding.</summary>
public abstract class WindowPoolingAttribute : LayerAttribute
{
    /// <summary>Pooling with a window of <paramref name="kernelSize"/> (a constant or a <c>nameof</c>; square in 2-D); the stride defaults to the window.</summary>
    protected WindowPoolingAttribute(object kernelSize) { KernelSize = kernelSize; }

    /// <summary>Window size: a constant or the name of an int member.</summary>
    public object KernelSize { get; }

    /// <summary>Stride: a constant or the name of an int member; when not set, the window size.</summary>
    public object? Stride { get; set; }

    /// <summary>
    /// Implicit padding on both sides, at most half the window: a constant (default 0) or the name of an int member. Max
    /// pooling pads with negative infinity; average pooling pads with zeros and counts them in the average, as PyTorch does by default.
    /// </summary>
    public object? Padding { get; set; }
}

/// <summary>2-D max pooling over [C, H, W] inputs.</summary>
public sealed class MaxPool2dAttribute(object kernelSize) : WindowPoolingAttribute(kernelSize);

/// <summary>Flattens every dimension after the batch dimension into one.</summary>
public sealed class FlattenAttribute : LayerAttribute { }

/// <summary>Dropout with a constant probability or one taken from a double member.</summary>
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Dropout with probability <paramref name="probability"/> (a constant or a <c>nameof</c>).</summary>
    public DropoutAttribute(object probability) { Probability = probability; }

    /// <summary>Probability of zeroing an element: a constant or the name of a double member.</summary>
    public object Probability { get; }
}

/// <summary>An activation function: a fixed <see cref="Activation"/> or the name of an <see cref="Activation"/> member.</summary>
public sealed class ActivateAttribute : LayerAttribute
{
    /// <summary>Applies <paramref name="activation"/>: an <see cref="Activation"/> value or the name of an Activation member.</summary>
    public ActivateAttribute(object activation) { Activation = activation; }

    /// <summary>The activation, or the name of the member that holds it.</summary>
    public object Activation { get; }
}
