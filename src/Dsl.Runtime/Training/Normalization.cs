using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>
/// Per-channel standardisation, (x − mean) / std, with statistics computed on training data only and then applied
/// unchanged to validation, test and inference inputs.
/// </summary>
/// <remarks>
/// Statistics are taken per index of dimension 1 of the batch-first tensor: per channel for [N, C, H, W] images, per
/// feature for [N, F] tables. For [N] inputs there is one channel. The values are plain arrays so a checkpoint can
/// store them next to the weights.
/// </remarks>
/// <param name="Mean">Mean of each channel.</param>
/// <param name="Std">Standard deviation of each channel; channels with no spread keep a std of 1.</param>
public sealed record Normalization(IReadOnlyList<double> Mean, IReadOnlyList<double> Std)
{
    /// <summary>Number of channels the statistics cover.</summary>
    public int Channels => Mean.Count;

    /// <summary>Computes per-channel mean and std of the first input of <paramref name="train"/>.</summary>
    public static Normalization Compute(TensorDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Compute(train.InputTensors[0]);
    }

    /// <summary>Computes per-channel mean and std of a batch-first tensor.</summary>
    public static Normalization Compute(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.shape.Length == 0 || inputs.shape[0] == 0)
            throw new ArgumentException("Normalisation statistics need at least one sample.", nameof(inputs));
        if (!inputs.is_floating_point())
            throw new ArgumentException($"Normalisation needs floating-point inputs, but they are {inputs.dtype}.", nameof(inputs));
        using var scope = NewDisposeScope();
        // Double precision: summing 60k images in float32 loses the low digits that the std depends on.
        var x = inputs.to(ScalarType.Float64);
        var channels = x.shape.Length == 1 ? x.reshape(-1, 1) : x.transpose(0, 1).reshape(x.shape[1], -1).t();
        var mean = channels.mean([0L]);
        var std = channels.std([0L], unbiased: false);
        var means = mean.cpu().data<double>().ToArray();
        var stds = std.cpu().data<double>().ToArray().Select(s => s > 1e-12 ? s : 1.0).ToArray();
        return new Normalization(means, stds);
    }

    /// <summary>Standardises the first input of <paramref name="data"/> in place and returns the same dataset.</summary>
    public TensorDataset Apply(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ApplyInPlace(data.InputTensors[0]);
        return data;
    }

    /// <summary>Returns a standardised copy of a batch-first tensor, for inference inputs.</summary>
    public Tensor Normalize(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var copy = inputs.clone();
        ApplyInPlace(copy);
        return copy;
    }

    private void ApplyInPlace(Tensor inputs)
    {
        var channels = inputs.shape.Length == 1 ? 1 : inputs.shape[1];
        if (channels != Channels)
            throw new ArgumentException(
                $"The normalisation covers {Channels} channels but the inputs, shaped {Shapes.Format(inputs.shape)}, have {channels}.", nameof(inputs));
        using var scope = NewDisposeScope();
        var shape = new long[Math.Max(inputs.shape.Length, 1)];
        Array.Fill(shape, 1L);
        if (inputs.shape.Length > 1) shape[1] = channels;
        var mean = tensor(Mean.ToArray(), device: inputs.device).to(inputs.dtype).reshape(shape);
        var std = tensor(Std.ToArray(), device: inputs.device).to(inputs.dtype).reshape(shape);
        inputs.sub_(mean).div_(std);
    }

    /// <inheritdoc />
    public bool Equals(Normalization? other) =>
        other is not null && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mean.Count, Mean.Count > 0 ? Mean[0] : 0);
}
