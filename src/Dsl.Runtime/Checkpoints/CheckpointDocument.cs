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
    public double? Sparsity { get; set; }
    public Dictionary<string, double>? LayerSparsity { get; set; }

    /// <summary>
    /// Present only in checkpoints the trainer writes to resume from. Checkpoints keep it as opaque JSON: the trainer owns
    /// its shape (Dsl.Training.TrainingStateRecord), so checkpoints can be read without the trainer.
    /// </summary>
    public JsonElement? Training { get; set; }

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
        Sparsity = Sparsity is { } overall ? new Compression.SparsityReport(overall, LayerSparsity ?? []) : null,
        IsResumable = Training is not null,
        Version = Version,
    };
}

/// <summary>A <see cref="Training.Normalization"/> (a data record, not trainer state) as JSON.</summary>
internal sealed class NormalizationRecord
{
    public double[] Mean { get; set; } = [];
    public double[] Std { get; set; } = [];

    public static NormalizationRecord? From(Normalization? normalization) =>
        normalization is null ? null : new() { Mean = [.. normalization.Mean], Std = [.. normalization.Std] };

    public Normalization ToNormalization() => new(Mean, Std);
}
