using Dsl.Training;

namespace Dsl.Checkpoints;

/// <summary>Optional facts stored next to a checkpoint's weights: the epoch, metrics and input normalisation.</summary>
public sealed record CheckpointInfo
{
    /// <summary>The epoch the weights come from.</summary>
    public int? Epoch { get; init; }

    /// <summary>Named metrics, for example "validation_accuracy".</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The normalisation the model's inputs need, so inference can apply the training statistics.</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>Info for an epoch's weights with the metrics of <paramref name="evaluation"/>, keyed with <paramref name="prefix"/>.</summary>
    public static CheckpointInfo From(int? epoch, Evaluation? evaluation, string prefix = "validation_") => new()
    {
        Epoch = epoch,
        Metrics = evaluation is null ? null : MetricsOf(evaluation, prefix),
    };

    internal static Dictionary<string, double> MetricsOf(Evaluation evaluation, string prefix) => new(StringComparer.Ordinal)
    {
        [prefix + "loss"] = evaluation.Loss,
        [prefix + "accuracy"] = evaluation.Accuracy,
        [prefix + "macro_precision"] = evaluation.MacroPrecision,
        [prefix + "macro_recall"] = evaluation.MacroRecall,
        [prefix + "macro_f1"] = evaluation.MacroF1,
    };
}
