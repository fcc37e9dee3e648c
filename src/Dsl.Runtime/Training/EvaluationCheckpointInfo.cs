using Dsl.Checkpoints;

namespace Dsl.Training;

/// <summary>Turns an evaluation into the metrics a checkpoint stores beside its weights.</summary>
public static class EvaluationCheckpointInfo
{
    /// <summary>Info for an epoch's weights with the metrics of <paramref name="evaluation"/>, keyed with <paramref name="prefix"/>.</summary>
    public static CheckpointInfo ForEpoch(this Evaluation? evaluation, int? epoch, string prefix = "validation_") => new()
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
