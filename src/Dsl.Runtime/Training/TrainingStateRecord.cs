using System.Text.Json;
using Dsl.Checkpoints;

namespace Dsl.Training;

/// <summary>Everything beyond the weights that a resumed run needs to continue exactly where the saved one stopped.</summary>
internal sealed class TrainingStateRecord
{
    /// <summary>The last finished epoch.</summary>
    public int Epoch { get; set; }

    /// <summary>Optimizer steps taken so far; the schedule position.</summary>
    public long Step { get; set; }

    public int Seed { get; set; }
    public string Optimizer { get; set; } = "";
    public bool HasOptimizerState { get; set; }
    public int? BestEpoch { get; set; }
    public double? BestValue { get; set; }
    public int EpochsWithoutImprovement { get; set; }
    public bool HasBestWeights { get; set; }
    public List<EpochRecord> History { get; set; } = [];
}

/// <summary>An <see cref="EpochReport"/> as JSON.</summary>
internal sealed class EpochRecord
{
    public int Epoch { get; set; }
    public double TrainLoss { get; set; }
    public double SamplesPerSecond { get; set; }
    public double LearningRate { get; set; }
    public int Batches { get; set; }
    public double TrainingSeconds { get; set; }
    public double ValidationSeconds { get; set; }
    public double DataLoadingShare { get; set; }
    public EvaluationRecord? Validation { get; set; }
    public double? Sparsity { get; set; }
    public Dictionary<string, double>? LayerSparsity { get; set; }

    public static EpochRecord From(EpochReport report) => new()
    {
        Epoch = report.Epoch,
        TrainLoss = report.TrainLoss,
        SamplesPerSecond = report.SamplesPerSecond,
        LearningRate = report.LearningRate,
        Batches = report.Batches,
        TrainingSeconds = report.TrainingTime.TotalSeconds,
        ValidationSeconds = report.ValidationTime.TotalSeconds,
        DataLoadingShare = report.DataLoadingShare,
        Validation = EvaluationRecord.From(report.Validation),
        Sparsity = report.Sparsity?.Overall,
        LayerSparsity = report.Sparsity is { } sparsity ? new Dictionary<string, double>(sparsity.Layers, StringComparer.Ordinal) : null,
    };

    public EpochReport ToReport() => new(Epoch, TrainLoss, Validation?.ToEvaluation(), SamplesPerSecond)
    {
        LearningRate = LearningRate,
        Batches = Batches,
        TrainingTime = TimeSpan.FromSeconds(TrainingSeconds),
        ValidationTime = TimeSpan.FromSeconds(ValidationSeconds),
        DataLoadingShare = DataLoadingShare,
        Sparsity = Sparsity is { } overall ? new Compression.SparsityReport(overall, LayerSparsity ?? []) : null,
    };
}

/// <summary>An <see cref="Evaluation"/> as JSON.</summary>
internal sealed class EvaluationRecord
{
    public double Loss { get; set; }
    public double Accuracy { get; set; }
    public long Count { get; set; }
    public double MacroPrecision { get; set; }
    public double MacroRecall { get; set; }
    public double MacroF1 { get; set; }
    public int? Classes { get; set; }
    public long[]? Confusion { get; set; }

    public static EvaluationRecord? From(Evaluation? evaluation) => evaluation is null ? null : new()
    {
        Loss = evaluation.Loss,
        Accuracy = evaluation.Accuracy,
        Count = evaluation.Count,
        MacroPrecision = evaluation.MacroPrecision,
        MacroRecall = evaluation.MacroRecall,
        MacroF1 = evaluation.MacroF1,
        Classes = evaluation.Confusion?.Classes,
        Confusion = evaluation.Confusion is { } c ? [.. c.ToArray().Cast<long>()] : null,
    };

    public Evaluation ToEvaluation() => new(Loss, Accuracy, Count)
    {
        MacroPrecision = MacroPrecision,
        MacroRecall = MacroRecall,
        MacroF1 = MacroF1,
        Confusion = Classes is { } classes && Confusion is { } counts ? new ConfusionMatrix(classes, counts) : null,
    };
}

/// <summary>How the trainer's resume state travels inside a checkpoint's sidecar, which keeps it as opaque JSON.</summary>
internal static class TrainingStateJson
{
    public static JsonElement Write(TrainingStateRecord state) => JsonSerializer.SerializeToElement(state, CheckpointDocument.Json);

    public static TrainingStateRecord? Read(CheckpointDocument document) =>
        document.Training is { } json ? json.Deserialize<TrainingStateRecord>(CheckpointDocument.Json) : null;
}
