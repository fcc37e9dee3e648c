using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Sweeps.Output;

/// <summary>
/// Writes a study as Optuna's journal file (<c>JournalStorage</c> over <c>JournalFileStorage</c>), so that
/// <c>optuna.load_study</c> and <c>optuna-dashboard study.log</c> open it.
/// </summary>
/// <remarks>
/// The file replays the study as Optuna would have logged it live: one JSON object per line, each an operation
/// (<c>op_code</c> from Optuna's <c>JournalOperation</c>). A trial is created running, gets its parameters (each with its
/// distribution as <c>distribution_to_json</c> writes it), its intermediate values and attributes, and then its final
/// state. Optuna has no state for a finished trial without a usable value, so a complete trial whose value is missing or
/// NaN is written as failed, as Optuna itself records such a trial. Times are written as Optuna writes them: local and
/// without an offset.
/// </remarks>
internal static class OptunaJournal
{
    /// <summary>The study system attribute newer Optuna versions read the objective's name from.</summary>
    public const string MetricNamesKey = "study:metric_names";

    /// <summary>The trial system attribute that holds a failed trial's error (as Optuna's own <c>fail_reason</c>).</summary>
    public const string FailReasonKey = "fail_reason";

    private const string WorkerId = "dsl-export";

    /// <summary>Quotes as <c>\"</c> and text as UTF-8, as a person reading the file expects; Optuna reads any valid JSON.</summary>
    internal static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Optuna's JournalOperation.
    private const int CreateStudy = 0;
    private const int SetStudyUserAttr = 2;
    private const int SetStudySystemAttr = 3;
    private const int CreateTrial = 4;
    private const int SetTrialParam = 5;
    private const int SetTrialStateValues = 6;
    private const int SetTrialIntermediateValue = 7;
    private const int SetTrialUserAttr = 8;
    private const int SetTrialSystemAttr = 9;

    // Optuna's TrialState and StudyDirection.
    private const int Running = 0;
    private const int Complete = 1;
    private const int Pruned = 2;
    private const int Fail = 3;
    private const int Waiting = 4;

    /// <summary>Writes the study, its own attributes (as Optuna's study user attributes) and its trials (in number order) as a journal holding one study.</summary>
    public static void Write(
        Stream stream,
        string study,
        StudyDirection direction,
        string metric,
        SearchSpace space,
        IReadOnlyList<TrialRecord> trials,
        IReadOnlyDictionary<string, string>? studyAttributes = null)
    {
        var ordered = trials.OrderBy(t => t.Number).ToList();
        var distributions = Distributions(space, ordered);
        var line = new ArrayBufferWriter<byte>();

        Operation(stream, line, CreateStudy, json =>
        {
            json.WriteString("study_name", study);
            json.WriteStartArray("directions");
            json.WriteNumberValue(direction == StudyDirection.Maximize ? 2 : 1);
            json.WriteEndArray();
        });
        Operation(stream, line, SetStudySystemAttr, json =>
        {
            json.WriteNumber("study_id", 0);
            json.WriteStartObject("system_attr");
            json.WriteStartArray(MetricNamesKey);
            json.WriteStringValue(metric);
            json.WriteEndArray();
            json.WriteEndObject();
        });
        foreach (var (key, value) in (studyAttributes ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Operation(stream, line, SetStudyUserAttr, json =>
            {
                json.WriteNumber("study_id", 0);
                json.WriteStartObject("user_attr");
                json.WriteString(key, value);
                json.WriteEndObject();
            });
        }

        for (var id = 0; id < ordered.Count; id++)
        {
            var trial = ordered[id];
            Operation(stream, line, CreateTrial, json =>
            {
                json.WriteNumber("study_id", 0);
                WriteTime(json, "datetime_start", trial.State == TrialState.Waiting ? null : trial.StartedAt);
                if (trial.State == TrialState.Waiting)
                    json.WriteNumber("state", Waiting);
            });
            foreach (var (name, distribution) in distributions)
            {
                if (!trial.Parameters.TryGetValue(name, out var value) || distribution.Internal(value) is not { } internalValue)
                    continue;
                Operation(stream, line, SetTrialParam, json =>
                {
                    json.WriteNumber("trial_id", id);
                    json.WriteString("param_name", name);
                    WriteNumber(json, "param_value_internal", internalValue);
                    json.WriteString("distribution", distribution.Json);
                });
            }
            foreach (var (step, value) in trial.IntermediateValues.OrderBy(p => p.Key))
            {
                Operation(stream, line, SetTrialIntermediateValue, json =>
                {
                    json.WriteNumber("trial_id", id);
                    json.WriteNumber("step", step);
                    WriteNumber(json, "intermediate_value", value);
                });
            }
            foreach (var (key, value) in trial.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                // The stores' own keys (worker, heartbeat, retry) are bookkeeping, which Optuna keeps in system attributes.
                TrialAttribute(stream, line, id, key.StartsWith(TrialAttributeKeys.ReservedPrefix, StringComparison.Ordinal), key, value);
            }

            var (state, finalValue, reason) = Final(trial);
            if (reason is not null)
                TrialAttribute(stream, line, id, system: true, FailReasonKey, reason);
            if (state is Running or Waiting)
                continue;
            Operation(stream, line, SetTrialStateValues, json =>
            {
                json.WriteNumber("trial_id", id);
                json.WriteNumber("state", state);
                if (finalValue is { } v)
                {
                    json.WriteStartArray("values");
                    WriteNumberValue(json, v);
                    json.WriteEndArray();
                }
                else
                {
                    json.WriteNull("values");
                }
                // A finished trial needs an end time; one the store lost is put at its start (or now), not made up.
                WriteTime(json, "datetime_complete", trial.FinishedAt ?? trial.StartedAt ?? DateTimeOffset.Now);
            });
        }
        stream.Flush();
    }

    /// <summary>The journal as text.</summary>
    public static string ToText(
        string study,
        StudyDirection direction,
        string metric,
        SearchSpace space,
        IReadOnlyList<TrialRecord> trials,
        IReadOnlyDictionary<string, string>? studyAttributes = null)
    {
        using var stream = new MemoryStream();
        Write(stream, study, direction, metric, space, trials, studyAttributes);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The Optuna state, value and failure reason a trial is written with.</summary>
    private static (int State, double? Value, string? Reason) Final(TrialRecord trial) => trial.State switch
    {
        TrialState.Waiting => (Waiting, null, null),
        TrialState.Running => (Running, null, null),
        TrialState.Complete when trial.Value is { } v && !double.IsNaN(v) => (Complete, v, null),
        TrialState.Complete => (Fail, null, "The trial completed without a value (missing or NaN)."),
        // Optuna gives a pruned trial its last intermediate value, when that is a number.
        TrialState.Pruned => (Pruned, trial.Value is { } v && !double.IsNaN(v) ? v : LastIntermediate(trial), null),
        _ => (Fail, null, string.IsNullOrEmpty(trial.Error) ? null : trial.Error),
    };

    private static double? LastIntermediate(TrialRecord trial) =>
        trial.IntermediateValues.Count == 0 ? null
        : trial.IntermediateValues.MaxBy(p => p.Key).Value is var last && !double.IsNaN(last) ? last : null;

    /// <summary>
    /// One distribution per parameter for the whole study, in the space's order and then the trials' extra names: Optuna
    /// drops a parameter whose distribution differs in kind or choices from the one an earlier trial recorded.
    /// </summary>
    private static List<(string Name, OptunaDistribution Distribution)> Distributions(SearchSpace space, IReadOnlyList<TrialRecord> trials)
    {
        var result = new List<(string, OptunaDistribution)>();
        foreach (var spec in space)
            result.Add((spec.Name, OptunaDistribution.For(spec, trials.Select(t => t.Parameters.GetValueOrDefault(spec.Name)).OfType<object>())));
        var declared = space.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in trials.SelectMany(t => t.Parameters.Keys).Where(n => !declared.Contains(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            result.Add((name, OptunaDistribution.Infer(trials.Select(t => t.Parameters.GetValueOrDefault(name)).OfType<object>().ToList())));
        return result;
    }

    private static void TrialAttribute(Stream stream, ArrayBufferWriter<byte> line, int trialId, bool system, string key, string value) =>
        Operation(stream, line, system ? SetTrialSystemAttr : SetTrialUserAttr, json =>
        {
            json.WriteNumber("trial_id", trialId);
            json.WriteStartObject(system ? "system_attr" : "user_attr");
            json.WriteString(key, value);
            json.WriteEndObject();
        });

    private static void Operation(Stream stream, ArrayBufferWriter<byte> buffer, int opCode, Action<Utf8JsonWriter> write)
    {
        buffer.Clear();
        using (var json = new Utf8JsonWriter(buffer, Relaxed))
        {
            json.WriteStartObject();
            json.WriteNumber("op_code", opCode);
            json.WriteString("worker_id", WorkerId);
            write(json);
            json.WriteEndObject();
        }
        stream.Write(buffer.WrittenSpan);
        stream.WriteByte((byte)'\n');
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        WriteNumberValue(json, value);
    }

    /// <summary>A number; NaN and infinities as Python's json module writes and reads them.</summary>
    private static void WriteNumberValue(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
            json.WriteNumberValue(value);
        else
            json.WriteRawValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
            json.WriteString(name, t.ToLocalTime().DateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
        else
            json.WriteNull(name);
    }
}
