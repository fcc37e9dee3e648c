using System.Text.Json;
using System.Text.Json.Serialization;
using Dsl.Training;

namespace Dsl.Checkpoints;

/// <summary>The JSON sidecar as written: a stable, versioned shape that is independent of the public records.</summary>
internal sealed class CheckpointDocument
{
    public const string FormatName = "dsl-checkpoint";
    public const int CurrentVersion = 1;

    public string Format { get; set; } = FormatName;
    public int Version { get; set; } = CurrentVersion;
    public string ModelType { get; set; } = "";
    public Dictionary<string, JsonElement> Hyperparameters { get; set; } = [];
    public int? Epoch { get; set; }
    public Dictionary<string, double> Metrics { get; set; } = [];
    public NormalizationRecord? Normalization { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public long ParameterCount { get; set; }

    /// <summary>Present only in checkpoints the trainer writes to resume from.</summary>
    public TrainingState? Training { get; set; }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Regression runs have NaN accuracies, and a diverged run NaN losses; both must round-trip.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Dictionary<string, JsonElement> ToJson(IReadOnlyDictionary<string, object> values) =>
        values.ToDictionary(
            pair => pair.Key,
            pair => JsonSerializer.SerializeToElement(pair.Value switch
            {
                // By name, so the file stays readable and survives reordering the enum's members.
                Enum e => e.ToString(),
                var other => other,
            }, Json),
            StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, object> FromJson(Dictionary<string, JsonElement> values) =>
        values.ToDictionary(
            pair => pair.Key,
            pair => pair.Value.ValueKind switch
            {
                JsonValueKind.String => (object)pair.Value.GetString()!,
                JsonValueKind.Number when pair.Value.TryGetInt64(out var l) => l,
                JsonValueKind.Number => pair.Value.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => pair.Value.GetRawText(),
            },
            StringComparer.Ordinal);

    public CheckpointMetadata ToMetadata() => new()
    {
        ModelType = ModelType,
        Hyperparameters = FromJson(Hyperparameters),
        Epoch = Epoch,
        Metrics = Metrics,
        Normalization = Normalization?.ToNormalization(),
        SavedAt = SavedAt,
        ParameterCount = ParameterCount,
        IsResumable = Training is not null,
        Version = Version,
    };
}

/// <summary>A <see cref="Training.Normalization"/> as JSON.</summary>
internal sealed class NormalizationRecord
{
    public double[] Mean { get; set; } = [];
    public double[] Std { get; set; } = [];

    public static NormalizationRecord? From(Normalization? normalization) =>
        normalization is null ? null : new() { Mean = [.. normalization.Mean], Std = [.. normalization.Std] };

    public Normalization ToNormalization() => new(Mean, Std);
}

/// <summary>Everything beyond the weights that a resumed run needs to continue exactly where the saved one stopped.</summary>
internal sealed class TrainingState
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
    };

    public EpochReport ToReport() => new(Epoch, TrainLoss, Validation?.ToEvaluation(), SamplesPerSecond)
    {
        LearningRate = LearningRate,
        Batches = Batches,
        TrainingTime = TimeSpan.FromSeconds(TrainingSeconds),
        ValidationTime = TimeSpan.FromSeconds(ValidationSeconds),
        DataLoadingShare = DataLoadingShare,
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
