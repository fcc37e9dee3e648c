using System.Text;
using System.Text.Json;
using Dsl.Search;
using Dsl.Search.Trials;

namespace Dsl.Sweeps.Output;

/// <summary>
/// The best trial as the JSON document written to <c>best.json</c> and printed by the <c>best</c> command: its value,
/// its hyperparameters in named groups (a model sweep's "model" and "training", an objective sweep's "hyperparameters"),
/// and where its checkpoint is.
/// </summary>
internal static class BestTrialJson
{
    public const string FileName = "best.json";

    public static string Write(
        string study,
        StudyDirection direction,
        string metric,
        TrialRecord best,
        IReadOnlyList<(string Name, IReadOnlyDictionary<string, object> Values)> groups)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("study", study);
            json.WriteString("metric", metric);
            json.WriteString("direction", SweepText.Direction(direction));
            json.WriteNumber("trial", best.Number);
            TrialExport.WriteNullableNumber(json, "value", best.Value);
            foreach (var (name, values) in groups) TrialExport.WriteValues(json, name, values);
            if (best.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var checkpoint)) json.WriteString("checkpoint", checkpoint);
            else json.WriteNull("checkpoint");
            if (Number(best, SweepAttributeKeys.TestAccuracy) is { } accuracy)
            {
                json.WriteStartObject("test");
                json.WriteNumber("accuracy", accuracy);
                TrialExport.WriteNullableNumber(json, "loss", Number(best, SweepAttributeKeys.TestLoss));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double? Number(TrialRecord trial, string key) =>
        trial.Attributes.TryGetValue(key, out var text)
        && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>
    /// The group <paramref name="name"/> of a stored assignment: the values of <typeparamref name="THp"/>'s space,
    /// completed by its record (defaults of inactive conditionals); as stored when the record refuses them (a study
    /// written by an older version of the class), so that show and best still print what the store holds.
    /// </summary>
    public static (string Name, IReadOnlyDictionary<string, object> Values) TypedGroup<THp>(string name, IReadOnlyDictionary<string, object> parameters)
        where THp : IHyperparameters<THp>
    {
        var values = Only(parameters, THp.SearchSpace);
        try
        {
            return (name, THp.FromValues(values).ToValues());
        }
        catch (ArgumentException)
        {
            return (name, values);
        }
    }

    /// <summary>Splits an assignment into the part <paramref name="space"/> declares and the rest.</summary>
    public static IReadOnlyDictionary<string, object> Only(IReadOnlyDictionary<string, object> values, SearchSpace space) =>
        values.Where(p => space.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
