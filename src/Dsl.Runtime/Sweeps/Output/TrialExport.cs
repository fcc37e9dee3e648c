using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Sweeps.Output;

/// <summary>Writes a study's trials as CSV (one row per trial, a column per parameter) or JSON (everything, nested).</summary>
/// <remarks>Column names follow Optuna's <c>trials_dataframe</c> (<c>params_x</c>, <c>user_attrs_x</c>) so existing notebooks read the files.</remarks>
internal static class TrialExport
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteCsv(TextWriter writer, IReadOnlyList<TrialRecord> trials, IEnumerable<string>? spaceOrder = null)
    {
        var parameters = SweepText.ParameterNames(trials, spaceOrder);
        var attributes = trials.SelectMany(t => t.Attributes.Keys)
            .Where(k => !k.StartsWith(TrialAttributeKeys.ReservedPrefix, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var header = new List<string> { "number", "state", "value", "datetime_start", "datetime_complete", "duration_s", "epochs" };
        header.AddRange(parameters.Select(p => "params_" + p));
        header.AddRange(attributes.Select(a => "user_attrs_" + a));
        header.Add("error");
        writer.WriteLine(string.Join(',', header.Select(Csv)));

        foreach (var trial in trials)
        {
            var row = new List<string>
            {
                trial.Number.ToString(CultureInfo.InvariantCulture),
                SweepText.State(trial.State),
                trial.Value is { } value ? value.ToString("R", CultureInfo.InvariantCulture) : "",
                Time(trial.StartedAt),
                Time(trial.FinishedAt),
                trial is { StartedAt: { } s, FinishedAt: { } f } ? (f - s).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) : "",
                trial.IntermediateValues.Count == 0 ? "" : trial.IntermediateValues.Keys.Max().ToString(CultureInfo.InvariantCulture),
            };
            row.AddRange(parameters.Select(p => trial.Parameters.TryGetValue(p, out var v) ? SweepText.ParameterExact(v) : ""));
            row.AddRange(attributes.Select(a => trial.Attributes.TryGetValue(a, out var v) ? v : ""));
            row.Add(trial.Error ?? "");
            writer.WriteLine(string.Join(',', row.Select(Csv)));
        }
        writer.Flush();
    }

    public static void WriteJson(Stream stream, string study, StudyDirection direction, string metric, IReadOnlyList<TrialRecord> trials)
    {
        using var json = new Utf8JsonWriter(stream, JsonOptions);
        json.WriteStartObject();
        json.WriteString("study", study);
        json.WriteString("direction", SweepText.Direction(direction));
        json.WriteString("metric", metric);
        json.WriteStartArray("trials");
        foreach (var trial in trials)
        {
            json.WriteStartObject();
            json.WriteNumber("number", trial.Number);
            json.WriteString("state", SweepText.State(trial.State));
            WriteNullableNumber(json, "value", trial.Value);
            WriteNullableTime(json, "datetime_start", trial.StartedAt);
            WriteNullableTime(json, "datetime_complete", trial.FinishedAt);
            WriteValues(json, "params", trial.Parameters);
            json.WriteStartObject("intermediate_values");
            foreach (var (step, value) in trial.IntermediateValues.OrderBy(p => p.Key))
                json.WriteNumber(step.ToString(CultureInfo.InvariantCulture), value);
            json.WriteEndObject();
            json.WriteStartObject("attributes");
            foreach (var (key, value) in trial.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
                json.WriteString(key, value);
            json.WriteEndObject();
            if (trial.Error is null) json.WriteNull("error");
            else json.WriteString("error", trial.Error);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string ToJson(string study, StudyDirection direction, string metric, IReadOnlyList<TrialRecord> trials)
    {
        using var stream = new MemoryStream();
        WriteJson(stream, study, direction, metric, trials);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes an assignment as a JSON object: integers and reals as numbers, enums by name.</summary>
    public static void WriteValues(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, object> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            json.WritePropertyName(key);
            WriteValue(json, value);
        }
        json.WriteEndObject();
    }

    public static void WriteNullableNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case bool b: json.WriteBooleanValue(b); break;
            case long l: json.WriteNumberValue(l); break;
            case int i: json.WriteNumberValue(i); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case JsonElement element: element.WriteTo(json); break;
            default: json.WriteStringValue(SweepText.ParameterExact(value)); break;
        }
    }

    private static void WriteNullableTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t) json.WriteString(name, t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        else json.WriteNull(name);
    }

    private static string Time(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : "";

    /// <summary>Quotes a cell when it holds a separator, quote or line break (RFC 4180).</summary>
    private static string Csv(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
