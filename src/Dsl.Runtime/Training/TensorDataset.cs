using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>An in-memory dataset: one or more batch-first input tensors and a label tensor with one row per sample.</summary>
/// <remarks>
/// The dataset owns its tensors and disposes them. Several inputs serve models with several inputs (an image and a
/// table, two views); every input and the labels share the first (sample) dimension.
/// </remarks>
public sealed class TensorDataset : IDisposable
{
    private readonly Tensor[] inputs;

    /// <summary>Wraps <paramref name="inputs"/> and <paramref name="labels"/>; the dataset owns and disposes them.</summary>
    public TensorDataset(Tensor inputs, Tensor labels)
        : this([inputs ?? throw new ArgumentNullException(nameof(inputs))], labels)
    {
    }

    /// <summary>Wraps several inputs that share the sample dimension, for multi-input models; the dataset owns every tensor.</summary>
    public TensorDataset(IReadOnlyList<Tensor> inputs, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Count == 0) throw new ArgumentException("A dataset needs at least one input tensor.", nameof(inputs));
        if (labels.shape.Length == 0) throw new ArgumentException("Labels must have a sample dimension, but are a scalar.", nameof(labels));
        for (var i = 0; i < inputs.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], $"{nameof(inputs)}[{i}]");
            var rows = inputs[i].shape.Length == 0 ? 0 : inputs[i].shape[0];
            if (inputs[i].shape.Length == 0 || rows != labels.shape[0])
                throw new ArgumentException(
                    $"Input {i} holds {rows} samples but labels hold {labels.shape[0]}; they must match.", nameof(labels));
            if (inputs[i].device_type != labels.device_type)
                throw new ArgumentException(
                    $"Input {i} is on {inputs[i].device} but labels are on {labels.device}; keep a dataset on one device.", nameof(labels));
        }
        this.inputs = [.. inputs];
        Labels = labels;
    }

    /// <summary>The only input, shaped [N, ...]; a multi-input dataset throws here, use <see cref="InputTensors"/>.</summary>
    public Tensor Inputs => inputs.Length == 1
        ? inputs[0]
        : throw new InvalidOperationException($"This dataset has {inputs.Length} inputs; use {nameof(InputTensors)}.");

    /// <summary>Every input tensor, each shaped [N, ...].</summary>
    public IReadOnlyList<Tensor> InputTensors => inputs;

    /// <summary>All labels, shaped [N] (class indices) or [N, ...] (regression or binary targets).</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples.</summary>
    public long Count => Labels.shape[0];

    /// <summary>The shape of one sample of the first input, without the batch dimension.</summary>
    public long[] SampleShape => inputs[0].shape[1..];

    /// <summary>The shape of one sample of each input, without the batch dimension.</summary>
    public IReadOnlyList<long[]> SampleShapes => [.. inputs.Select(t => t.shape[1..])];

    /// <summary>The device the tensors live on.</summary>
    public Device Device => Labels.device;

    /// <summary>A new dataset holding copies of the samples at <paramref name="indices"/>, in that order.</summary>
    public TensorDataset Subset(IReadOnlyList<long> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (var index in indices)
            if (index < 0 || index >= Count)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Sample index must lie in [0, {Count}).");
        using var order = tensor(indices.ToArray(), device: Device);
        return new TensorDataset([.. inputs.Select(t => t.index_select(0, order))], Labels.index_select(0, order));
    }

    /// <summary>
    /// Splits into training and validation datasets with a seeded shuffle; with <paramref name="stratify"/> each class
    /// keeps its share in both parts. Both parts are copies; this dataset is left as it was.
    /// </summary>
    /// <param name="validationFraction">Share of the samples that goes to validation, in (0, 1).</param>
    /// <param name="seed">Seeds the shuffle, so equal seeds give equal splits.</param>
    /// <param name="stratify">Split each class separately; needs class-index labels shaped [N].</param>
    public (TensorDataset Train, TensorDataset Validation) Split(double validationFraction, int seed, bool stratify = true)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie in (0, 1).");
        if (Count < 2) throw new InvalidOperationException($"A dataset of {Count} samples cannot be split.");

        var random = new Random(seed);
        var train = new List<long>();
        var validation = new List<long>();
        foreach (var group in stratify ? GroupByClass() : [Enumerable.Range(0, checked((int)Count)).Select(i => (long)i).ToArray()])
        {
            random.Shuffle(group);
            // Rounding per class keeps every class's share; a class of one sample stays in training.
            var take = (int)Math.Round(group.Length * validationFraction, MidpointRounding.AwayFromZero);
            if (take == group.Length) take = group.Length - 1;
            validation.AddRange(group.Take(take));
            train.AddRange(group.Skip(take));
        }
        if (validation.Count == 0)
            throw new InvalidOperationException(
                $"A validation fraction of {validationFraction} of {Count} samples leaves the validation set empty.");
        // Interleave classes again so the parts are not sorted by label.
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(train));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(validation));
        return (Subset(train), Subset(validation));
    }

    private IEnumerable<long[]> GroupByClass()
    {
        if (Labels.shape.Length != 1 || !IsIntegral(Labels.dtype))
            throw new InvalidOperationException(
                $"A stratified split needs class-index labels shaped [N] with an integer type, but labels are {Shapes.Format(Labels.shape)} {Labels.dtype}.");
        using var cpu = Labels.to(ScalarType.Int64, CPU);
        var labels = cpu.data<long>().ToArray();
        return labels.Select((label, index) => (label, index: (long)index))
            .GroupBy(x => x.label)
            .OrderBy(g => g.Key)
            .Select(g => g.Select(x => x.index).ToArray());
    }

    internal static bool IsIntegral(ScalarType type) =>
        type is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var input in inputs) input.Dispose();
        Labels.Dispose();
    }
}
