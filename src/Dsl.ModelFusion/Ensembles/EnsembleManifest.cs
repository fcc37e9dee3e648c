using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>The JSON manifest of a saved ensemble: the method, the fitted combination and each member's checkpoint.</summary>
internal sealed class EnsembleManifest
{
    public const string FileName = "ensemble.json";
    public const string FormatName = "dsl-ensemble";
    public const int CurrentVersion = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Format { get; set; } = FormatName;
    public int Version { get; set; } = CurrentVersion;
    public EnsembleMethod Method { get; set; }
    public int InputCount { get; set; }
    public int ClassCount { get; set; }
    public List<EnsembleMemberRecord> Members { get; set; } = [];

    /// <summary>Uniform and weighted: the float32 log-weights the forward pass adds, stored exactly.</summary>
    public float[]? LogWeights { get; set; }

    /// <summary>Stacking: the meta-learner's weight [members × classes, classes], row-major, on raw log-probabilities.</summary>
    public float[]? MetaWeight { get; set; }

    /// <summary>Stacking: the meta-learner's bias [classes].</summary>
    public float[]? MetaBias { get; set; }

    public EnsembleValidation? Validation { get; set; }
}

/// <summary>One member of a saved ensemble: its model type, its checkpoint file (relative to the folder) and its share.</summary>
internal sealed class EnsembleMemberRecord
{
    public string ModelType { get; set; } = "";
    public string Checkpoint { get; set; } = "";
    public double Weight { get; set; }
}
