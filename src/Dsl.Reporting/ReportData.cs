using System.Globalization;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Reporting;

/// <summary>A trial with the objective value the report uses for it.</summary>
internal readonly record struct TrialValue(TrialRecord Trial, double Value);

/// <summary>
/// The study as the report sees it: trials in number order, the ones with a usable value picked out, the best one found,
/// and every oddity noted so the page can say what it left out.
/// </summary>
internal sealed class ReportData
{
    /// <summary>How many of the best trials the pages rank.</summary>
    public const int TopCount = 10;

    /// <summary>How many failed trials' errors the pages list.</summary>
    public const int ErrorsShown = 5;

    private const int ErrorLength = 160;

    private static readonly IReadOnlyDictionary<string, object> NoParameters = new Dictionary<string, object>();
    private static readonly IReadOnlyDictionary<int, double> NoSteps = new Dictionary<int, double>();

    private readonly List<string> notes = [];

    public ReportData(string studyName, IReadOnlyList<TrialRecord> trials, SearchSpace space, StudyDirection direction, string metricName)
    {
        StudyName = string.IsNullOrWhiteSpace(studyName) ? "study" : studyName;
        MetricName = string.IsNullOrWhiteSpace(metricName) ? "value" : metricName;
        Direction = direction;

        // Callers hand over whatever a store returned; order by number so every figure and table is reproducible.
        Trials = trials.Where(t => t is not null).OrderBy(t => t.Number).ToList();
        if (Trials.Count < trials.Count)
            Note($"{Count(trials.Count - Trials.Count, "null trial entry", "null trial entries")} ignored.");
        Axes = ParameterAxis.Build(space, Trials);
        foreach (var axis in Axes.Where(a => a.Inferred))
            Note($"Parameter '{axis.Name}' is not in the search space; its {(axis.IsCategorical ? "choices were" : "range was")} read off the trials.");

        var complete = new List<TrialValue>();
        var withoutValue = 0;
        foreach (var trial in Trials.Where(t => t.State == TrialState.Complete))
        {
            if (trial.Value is { } v && double.IsFinite(v))
                complete.Add(new TrialValue(trial, v));
            else
                withoutValue++;
        }
        Complete = complete;
        if (withoutValue > 0)
            Note($"{Count(withoutValue, "complete trial has", "complete trials have")} no finite {MetricName} (missing, NaN or infinite) and {(withoutValue == 1 ? "is" : "are")} left out of the figures and the ranking.");

        // A pruned trial stands for its last report; older stores may have left Value empty, so fall back on the curve.
        var pruned = Trials.Where(t => t.State == TrialState.Pruned)
            .Select(t => (Trial: t, Value: t.Value is { } v && double.IsFinite(v) ? v : LastIntermediate(t)))
            .ToList();
        Pruned = pruned
            .Where(p => p.Value is { } v && double.IsFinite(v))
            .Select(p => new TrialValue(p.Trial, p.Value!.Value))
            .ToList();
        if (Pruned.Count < pruned.Count)
            Note($"{Count(pruned.Count - Pruned.Count, "pruned trial has", "pruned trials have")} no finite {MetricName} and {(pruned.Count - Pruned.Count == 1 ? "is" : "are")} left out of the history.");

        foreach (var axis in Axes)
        {
            // A value that is there but cannot be placed (text on a numeric axis, zero on a log one) is drawn as absent;
            // say so, or the figure would pass it off as an inactive conditional parameter.
            var unplaced = Complete.Count(c => ParametersOf(c.Trial).TryGetValue(axis.Name, out var value) && value is not null
                && axis.Position(c.Trial) is null);
            if (unplaced > 0)
                Note($"{Count(unplaced, "value", "values")} of '{axis.Name}' could not be placed on its {(axis.Scale == AxisScale.Log ? "log " : "")}axis (not a finite number{(axis.Scale == AxisScale.Log ? ", or not positive" : "")}) and {(unplaced == 1 ? "is" : "are")} drawn as absent.");
        }

        // Stable sort: ties keep trial-number order, so the earliest of equally good trials ranks first.
        Ranked = Complete.OrderBy(c => Direction == StudyDirection.Maximize ? -c.Value : c.Value).ToList();
        Best = Ranked.Count > 0 ? Ranked[0] : null;
    }

    public string StudyName { get; }

    public string MetricName { get; }

    public StudyDirection Direction { get; }

    public IReadOnlyList<TrialRecord> Trials { get; }

    public IReadOnlyList<ParameterAxis> Axes { get; }

    /// <summary>Complete trials with a finite value, in number order.</summary>
    public IReadOnlyList<TrialValue> Complete { get; }

    /// <summary>Pruned trials with a finite last value, in number order.</summary>
    public IReadOnlyList<TrialValue> Pruned { get; }

    /// <summary>Complete trials from best to worst.</summary>
    public IReadOnlyList<TrialValue> Ranked { get; }

    public TrialValue? Best { get; }

    public IReadOnlyList<string> Notes => notes;

    /// <summary>The study's recorded fusions (its <c>fusion:*</c> attributes), in key order.</summary>
    public IReadOnlyList<FusionRecord> Fusions { get; init; } = [];

    public void Note(string note) => notes.Add(note);

    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="incumbent"/> in the study's direction.</summary>
    public bool IsBetter(double candidate, double incumbent) =>
        Direction == StudyDirection.Maximize ? candidate > incumbent : candidate < incumbent;

    /// <summary>A trial's parameters, never null.</summary>
    public static IReadOnlyDictionary<string, object> ParametersOf(TrialRecord trial) => trial.Parameters ?? NoParameters;

    /// <summary>A trial's finite intermediate values in step order.</summary>
    public static IReadOnlyList<(int Step, double Value)> CurveOf(TrialRecord trial) =>
        (trial.IntermediateValues ?? NoSteps)
            .Where(kv => double.IsFinite(kv.Value))
            .OrderBy(kv => kv.Key)
            .Select(kv => (kv.Key, kv.Value))
            .ToList();

    /// <summary>An invariant, compact rendering of a number for labels and tables.</summary>
    public static string Number(double x)
    {
        if (double.IsNaN(x))
            return "NaN";
        if (double.IsInfinity(x))
            return x > 0 ? "∞" : "-∞";
        var magnitude = Math.Abs(x);
        return magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e7)
            ? x.ToString("0.####e+0", CultureInfo.InvariantCulture)
            : x.ToString("G6", CultureInfo.InvariantCulture);
    }

    /// <summary>An accuracy as every page's fusion tables show it: four decimals, "—" when there is none.</summary>
    public static string Accuracy(double? accuracy) => accuracy switch
    {
        null => "—",
        { } a when double.IsNaN(a) => "NaN",
        { } a => a.ToString("F4", CultureInfo.InvariantCulture),
    };

    /// <summary>The first line of an error, shortened to fit a list or a table cell.</summary>
    public static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= ErrorLength ? line : line[..ErrorLength] + "…";
    }

    /// <summary>"1 trial", "3 trials".</summary>
    public static string Count(int n, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");

    private static double? LastIntermediate(TrialRecord trial)
    {
        var curve = CurveOf(trial);
        return curve.Count > 0 ? curve[^1].Value : null;
    }
}
