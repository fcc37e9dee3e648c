using System.Text.Json;
using Dsl.Dashboard.Security;
using Dsl.Search.Trials;
using Dsl.Sweeps;

namespace Dsl.Dashboard.Data;

/// <summary>What a trial's checkpoint sidecar adds to the store's record: the saved metrics, the per-epoch history and the confusion matrix.</summary>
/// <param name="Checkpoint">The checkpoint file, when it exists inside the study's artifact folder.</param>
/// <param name="Metrics">The metrics the checkpoint was saved with.</param>
/// <param name="Epochs">Per-epoch rows (epoch, then named values) from a resumable checkpoint's training history.</param>
/// <param name="Confusion">Rows of true classes, columns of predictions.</param>
internal sealed record TrialFiles(
    string? Checkpoint,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<IReadOnlyDictionary<string, double>> Epochs,
    long[][]? Confusion)
{
    /// <summary>The trial attribute a tool may set to a confusion matrix as JSON rows (<c>[[…],[…]]</c>).</summary>
    public const string ConfusionAttribute = "confusion_matrix";

    public static TrialFiles Read(StudySnapshot study, TrialRecord trial, ArtifactFiles artifacts)
    {
        var folder = artifacts.StudyFolder(study.Name, study.Trials);
        var checkpoint = ArtifactFiles.ResolveIn(folder, trial.Attributes.GetValueOrDefault(SweepAttributeKeys.Checkpoint));
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var epochs = new List<IReadOnlyDictionary<string, double>>();
        var confusion = trial.Attributes.TryGetValue(ConfusionAttribute, out var text) ? Rows(text) : null;
        if (checkpoint is not null && ArtifactFiles.ResolveIn(folder, global::Dsl.Checkpoints.Checkpoint.MetadataPath(checkpoint)) is { } sidecar)
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(sidecar));
                var root = document.RootElement;
                if (root.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object)
                    foreach (var p in m.EnumerateObject())
                        if (p.Value.ValueKind == JsonValueKind.Number) metrics[p.Name] = p.Value.GetDouble();
                if (root.TryGetProperty("training", out var training) && training.TryGetProperty("history", out var history) && history.ValueKind == JsonValueKind.Array)
                {
                    foreach (var epoch in history.EnumerateArray())
                    {
                        var row = new Dictionary<string, double>(StringComparer.Ordinal);
                        Flatten(epoch, "", row);
                        epochs.Add(row);
                        if (epoch.TryGetProperty("validation", out var validation) && Flat(validation) is { } matrix) confusion = matrix;
                    }
                }
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // A sidecar being rewritten or of another shape adds nothing; the store's record still shows.
            }
        }
        return new TrialFiles(checkpoint, metrics, epochs, confusion);
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, double> row)
    {
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number) row[prefix + p.Name] = p.Value.GetDouble();
            else if (p.Value.ValueKind == JsonValueKind.Object) Flatten(p.Value, prefix + p.Name + ".", row);
        }
    }

    private static long[][]? Flat(JsonElement validation)
    {
        if (!validation.TryGetProperty("classes", out var c) || !c.TryGetInt32(out var classes) || classes <= 0) return null;
        if (!validation.TryGetProperty("confusion", out var counts) || counts.ValueKind != JsonValueKind.Array || counts.GetArrayLength() != classes * classes) return null;
        var flat = new long[counts.GetArrayLength()];
        var i = 0;
        foreach (var count in counts.EnumerateArray())
        {
            // A count that is not a whole number (1.5, "3", null) makes the matrix malformed: show none rather than fail the page.
            if (count.ValueKind != JsonValueKind.Number || !count.TryGetInt64(out flat[i++])) return null;
        }
        return Enumerable.Range(0, classes).Select(r => flat[(r * classes)..((r + 1) * classes)]).ToArray();
    }

    private static long[][]? Rows(string text)
    {
        try
        {
            var rows = JsonSerializer.Deserialize<long[][]>(text);
            return rows is { Length: > 0 } && rows.All(r => r is not null && r.Length == rows.Length) ? rows : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
