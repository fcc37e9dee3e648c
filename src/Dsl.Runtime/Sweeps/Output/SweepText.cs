using System.Globalization;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Sweeps.Output;

/// <summary>The one way sweeps spell values, parameters and trial outcomes, so console, logs and files agree.</summary>
internal static class SweepText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The objective's name as files and logs write it: "accuracy", "loss", "macro_f1".</summary>
    public static string MetricName(Metric metric) => metric switch
    {
        Metric.Accuracy => "accuracy",
        Metric.Loss => "loss",
        Metric.MacroF1 => "macro_f1",
        Metric.MacroPrecision => "macro_precision",
        Metric.MacroRecall => "macro_recall",
        _ => metric.ToString().ToLowerInvariant(),
    };

    public static string Direction(StudyDirection direction) => direction == StudyDirection.Minimize ? "minimize" : "maximize";

    public static string State(TrialState state) => state.ToString().ToLowerInvariant();

    /// <summary>An objective value: four decimals, which separates accuracies on any realistic validation set.</summary>
    public static string Value(double? value) => value is { } v ? v.ToString("F4", Invariant) : "-";

    /// <summary>A parameter value: integers plainly, reals in a short round-trippable-looking form, enums by name.</summary>
    public static string Parameter(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G4", Invariant),
        float f => f.ToString("G4", Invariant),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, Invariant),
        _ => value.ToString() ?? "",
    };

    /// <summary>A parameter value that reads back exactly (CSV and JSON cells).</summary>
    public static string ParameterExact(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", Invariant),
        float f => f.ToString("R", Invariant),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, Invariant),
        _ => value.ToString() ?? "",
    };

    public static string Parameters(IReadOnlyDictionary<string, object> parameters) =>
        string.Join(", ", parameters.Select(p => $"{p.Key}={Parameter(p.Value)}"));

    public static string Duration(TimeSpan duration) => duration.TotalSeconds < 60
        ? duration.TotalSeconds.ToString("F1", Invariant) + "s"
        : duration.TotalMinutes < 60
            ? $"{(int)duration.TotalMinutes}m{duration.Seconds:00}s"
            : $"{(int)duration.TotalHours}h{duration.Minutes:00}m";

    /// <summary>The first line of an error, so one failed trial never floods a log.</summary>
    public static string FirstLine(string? text, int max = 160)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var line = text.Split('\n', 2)[0].TrimEnd('\r');
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    /// <summary>
    /// Why trials with no complete one leave no best model, in one line: "all 6 trials failed; the first error: …",
    /// "all 6 trials were pruned", or the counts of each state with the first error.
    /// </summary>
    public static string NoCompleteTrial(IReadOnlyCollection<TrialRecord> trials)
    {
        var firstError = trials.OrderBy(t => t.Number).FirstOrDefault(t => !string.IsNullOrEmpty(t.Error))?.Error;
        var error = firstError is null ? "" : $"; the first error: {FirstLine(firstError).TrimEnd('.')}";
        if (trials.Count == 0) return "no trial ran";
        var states = trials.GroupBy(t => t.State).OrderBy(g => g.Key).ToList();
        if (states.Count > 1)
            return "no trial completed (" + string.Join(", ", states.Select(g => $"{g.Count()} {State(g.Key)}")) + ")" + error;
        var (count, state) = (trials.Count, states[0].Key);
        var all = count == 1 ? "the only trial" : $"all {count} trials";
        return state switch
        {
            TrialState.Failed => $"{all} failed{error}",
            TrialState.Pruned => $"{all} {(count == 1 ? "was" : "were")} pruned before completing",
            _ => $"no trial completed ({all} {(count == 1 ? "is" : "are")} {State(state)}){error}",
        };
    }

    /// <summary>The names of every parameter the trials use, in the space's order first and then as they appear.</summary>
    public static IReadOnlyList<string> ParameterNames(IEnumerable<TrialRecord> trials, IEnumerable<string>? spaceOrder = null)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = trials as IReadOnlyCollection<TrialRecord> ?? trials.ToList();
        var used = new HashSet<string>(list.SelectMany(t => t.Parameters.Keys), StringComparer.Ordinal);
        foreach (var name in spaceOrder ?? [])
            if (used.Contains(name) && seen.Add(name)) names.Add(name);
        foreach (var trial in list)
            foreach (var name in trial.Parameters.Keys)
                if (seen.Add(name)) names.Add(name);
        return names;
    }

    /// <summary>Complete trials from best to worst (ties by number), as a leaderboard ranks them and as <see cref="TrialSelection.IsBetter"/> compares them.</summary>
    public static IEnumerable<TrialRecord> Ranked(IEnumerable<TrialRecord> trials, StudyDirection direction) =>
        trials.Where(t => t.State == TrialState.Complete && t.Value is not null)
            .Order(Comparer<TrialRecord>.Create((a, b) =>
                a.Number == b.Number ? 0 : TrialSelection.IsBetter(a.Value!.Value, a.Number, b.Value!.Value, b.Number, direction) ? -1 : 1));
}
