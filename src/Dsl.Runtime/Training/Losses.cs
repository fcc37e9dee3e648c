using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>Computes the configured loss, and says what its outputs mean for metrics.</summary>
internal sealed class Losses(LossKind kind, double labelSmoothing)
{
    public LossKind Kind => kind;

    /// <summary>Whether outputs are class scores, so accuracy, precision, recall and F1 exist.</summary>
    public bool IsClassification => kind != LossKind.MeanSquaredError;

    /// <summary>The loss of a batch, averaged (<paramref name="sum"/> false) or summed over its samples.</summary>
    public Tensor Compute(Tensor output, Tensor labels, bool sum = false)
    {
        var reduction = sum ? nn.Reduction.Sum : nn.Reduction.Mean;
        return kind switch
        {
            LossKind.CrossEntropy => nn.functional.cross_entropy(output, labels, reduction: reduction, label_smoothing: labelSmoothing),
            LossKind.MeanSquaredError => SumPerSample(nn.functional.mse_loss(output, Match(output, labels), nn.Reduction.None), sum),
            LossKind.BinaryCrossEntropy => SumPerSample(nn.functional.binary_cross_entropy_with_logits(output, Match(output, labels), reduction: nn.Reduction.None), sum),
            _ => throw new InvalidOperationException($"Unknown loss {kind}."),
        };
    }

    /// <summary>A scalar loss as a double, read without the native Scalar that TorchSharp's ToDouble leaves to the finalizer.</summary>
    public static double Value(Tensor loss) => loss.dtype switch
    {
        ScalarType.Float32 => loss.item<float>(),
        ScalarType.Float64 => loss.item<double>(),
        _ => loss.to(ScalarType.Float64).item<double>(),
    };

    /// <summary>Labels shaped like the output: [B] targets against a [B, 1] output gain the trailing dimension.</summary>
    public static Tensor Match(Tensor output, Tensor labels)
    {
        var target = labels.dtype == output.dtype ? labels : labels.to(output.dtype);
        return target.shape.Length == output.shape.Length - 1 && output.shape[^1] == 1 ? target.unsqueeze(-1) : target;
    }

    // Element losses are averaged per sample first, so "loss per sample" means the same for [B] and [B, K] outputs.
    private static Tensor SumPerSample(Tensor elementLosses, bool sum)
    {
        var perSample = elementLosses.shape.Length > 1 ? elementLosses.flatten(1).mean([1L]) : elementLosses;
        return sum ? perSample.sum() : perSample.mean();
    }
}
