using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>An in-memory dataset: a batch-first input tensor and a label tensor with one row per sample.</summary>
public sealed class TensorDataset : IDisposable
{
    /// <summary>Wraps <paramref name="inputs"/> and <paramref name="labels"/>; the dataset owns and disposes them.</summary>
    public TensorDataset(Tensor inputs, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.shape.Length == 0 || inputs.shape[0] != labels.shape[0])
            throw new ArgumentException(
                $"Inputs hold {(inputs.shape.Length == 0 ? 0 : inputs.shape[0])} samples but labels hold {labels.shape[0]}; they must match.", nameof(labels));
        Inputs = inputs;
        Labels = labels;
    }

    /// <summary>All inputs, shaped [N, ...].</summary>
    public Tensor Inputs { get; }

    /// <summary>All labels, shaped [N] (class indices) or [N, ...] (regression targets).</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples.</summary>
    public long Count => Inputs.shape[0];

    /// <summary>The shape of one sample, without the batch dimension.</summary>
    public long[] SampleShape => Inputs.shape[1..];

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
