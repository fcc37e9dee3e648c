using System.Globalization;
using Dsl.Dashboard.Data;
using Dsl.Dashboard.Pages;
using Dsl.Reporting;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Charts;

/// <summary>
/// The study page's charts as SVG. Large studies are thinned evenly (and the chart says so), so that no chart sends
/// more than a few thousand marks to the browser however many trials the study has.
/// </summary>
internal static class StudyCharts
{
    public const int MaxPoints = 2500;
    public const int MaxSlicePoints = 1000;
    public const int MaxLines = 400;
    public const int MaxCurves = 120;
    public const int MaxImportanceTrials = 500;
    public static readonly string[] Kinds = ["history", "curves", "parallel", "slices", "importance", "timeline"];

    /// <summary>
    /// What a chart depends on: the study's revision, except for importance, which only complete trials change and which
    /// costs the most (a forest per estimate), so a running sweep's epochs do not recompute it on every poll. Its key
    /// hashes the complete trials' numbers and values, so a store whose count stays while its trials change still recomputes.
    /// </summary>
    public static string CacheKey(StudySnapshot study, string kind) =>
        kind == "importance" ? ImportanceKey(study) : study.Revision;

    private static string ImportanceKey(StudySnapshot study)
    {
        var hash = new HashCode();
        foreach (var trial in study.Ranked)
        {
            hash.Add(trial.Number);
            hash.Add(trial.Value);
        }
        return "complete:" + study.Ranked.Count.ToString(CultureInfo.InvariantCulture) + ":" + hash.ToHashCode().ToString(CultureInfo.InvariantCulture);
    }

    public static string Render(StudySnapshot study, string kind) => kind switch
    {
        "history" => History(study),
        "curves" => Curves(study),
        "parallel" => Parallel(study),
        "slices" => Slices(study),
        "importance" => Importance(study),
        "timeline" => Timeline(study),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown chart."),
    };

    /// <summary>Every complete (and valued pruned) trial's value by number, with the best so far as a step line.</summary>
    public static string History(StudySnapshot study)
    {
        var valued = study.Trials.Where(t => t.Value is { } v && double.IsFinite(v) && t.State is TrialState.Complete or TrialState.Pruned).ToList();
        if (valued.Count == 0) return Empty("No trial has a value yet.");
        var chart = new SvgChart(900, 320, "optimisation history");
        var x = new Axis(study.Trials.Select(t => (double)t.Number), chart.PlotLeft, chart.PlotRight);
        var y = new Axis(valued.Select(t => t.Value!.Value), chart.PlotBottom, chart.PlotTop, log: LogScale(valued.Select(t => t.Value!.Value)));
        chart.XAxis(x, "trial");
        chart.YAxis(y, "objective value" + (y.IsLog ? " (log)" : ""));
        var best = new List<(double, double)>();
        double? bestSoFar = null;
        foreach (var t in valued.Where(t => t.State == TrialState.Complete))
        {
            var v = t.Value!.Value;
            if (bestSoFar is null || (study.Direction == StudyDirection.Maximize ? v > bestSoFar : v < bestSoFar))
            {
                if (bestSoFar is { } previous) best.Add((x[t.Number], y[previous]));
                bestSoFar = v;
                best.Add((x[t.Number], y[v]));
            }
        }
        if (bestSoFar is { } last) best.Add((x[study.Trials[^1].Number], y[last]));
        foreach (var t in Thin(valued, MaxPoints))
            chart.Point(x[t.Number], y[t.Value!.Value], StateClass(t.State), $"trial {t.Number} ({State(t.State)}): {Format.Number(t.Value)}", Links.Trial(study.Name, t.Number));
        if (best.Count > 0) chart.Line(best, "best", "best so far");
        return Wrap(chart, Note(valued.Count, MaxPoints, "trials"));
    }

    /// <summary>The values each trial reported per step (its learning curve): running trials and the best ones.</summary>
    public static string Curves(StudySnapshot study)
    {
        var reported = study.Trials.Where(t => t.IntermediateValues.Count > 0).ToList();
        if (reported.Count == 0) return Empty("No trial has reported an intermediate value yet.");
        var rank = study.Ranked.Select((t, i) => (t.Number, i)).ToDictionary(p => p.Number, p => p.i);
        var shown = reported
            .OrderBy(t => t.State == TrialState.Running ? 0 : 1)
            .ThenBy(t => rank.TryGetValue(t.Number, out var r) ? r : int.MaxValue)
            .ThenByDescending(t => t.Number)
            .Take(MaxCurves)
            .OrderBy(t => t.Number)
            .ToList();
        var chart = new SvgChart(900, 320, "intermediate values");
        var values = shown.SelectMany(t => t.IntermediateValues.Values).Where(double.IsFinite).ToList();
        var x = new Axis(shown.SelectMany(t => t.IntermediateValues.Keys).Select(s => (double)s), chart.PlotLeft, chart.PlotRight);
        var y = new Axis(values, chart.PlotBottom, chart.PlotTop, log: LogScale(values));
        chart.XAxis(x, "step (epoch)");
        chart.YAxis(y, "intermediate value" + (y.IsLog ? " (log)" : ""));
        foreach (var t in shown)
        {
            var points = t.IntermediateValues.Where(p => double.IsFinite(p.Value) && (!y.IsLog || p.Value > 0)).OrderBy(p => p.Key).ToList();
            var title = $"trial {t.Number} ({State(t.State)}): {points.Count} steps, last {Format.Number(points.LastOrDefault().Value)}";
            if (points.Count > 1) chart.Line(points.Select(p => (x[p.Key], y[p.Value])), "curve " + StateClass(t.State), title);
            if (points.Count > 0) chart.Point(x[points[^1].Key], y[points[^1].Value], StateClass(t.State), title, Links.Trial(study.Name, t.Number), 2.5);
        }
        return Wrap(chart, reported.Count > MaxCurves ? $"Showing the {MaxCurves} running and best of {reported.Count} trials." : null);
    }

    /// <summary>One vertical axis per parameter and one for the value; one line per complete trial, coloured by value.</summary>
    public static string Parallel(StudySnapshot study)
    {
        var complete = study.Ranked;
        if (complete.Count == 0 || study.ParameterNames.Count == 0) return Empty("Parallel coordinates need complete trials with parameters.");
        var shown = Thin(complete.OrderBy(t => t.Number).ToList(), MaxLines);
        var names = study.ParameterNames;
        var chart = new SvgChart(Math.Max(900, 160 * (names.Count + 1)), 340, "parallel coordinates");
        var columns = names.Count + 1;
        // The last axis keeps room on its right for its tick labels.
        double ColumnX(int i) => chart.PlotLeft + (chart.PlotRight - 40 - chart.PlotLeft) * i / (columns - 1);
        var scales = names.Select(n => Scale.For(complete.Select(t => t.Parameters.GetValueOrDefault(n)), chart.PlotBottom, chart.PlotTop)).ToList();
        var valueAxis = new Axis(complete.Select(t => t.Value!.Value), chart.PlotBottom, chart.PlotTop);
        var colours = Colours(complete);
        foreach (var t in shown)
        {
            var points = new List<(double, double)>();
            for (var i = 0; i < names.Count; i++)
                if (scales[i].Position(t.Parameters.GetValueOrDefault(names[i])) is { } p) points.Add((ColumnX(i), p));
            points.Add((ColumnX(names.Count), valueAxis[t.Value!.Value]));
            chart.Line(points, "pc", $"trial {t.Number}: {Format.Number(t.Value)}; " + string.Join(", ", names.Select(n => $"{n}={Format.Value(t.Parameters.GetValueOrDefault(n))}")), colours[t.Number]);
        }
        for (var i = 0; i <= names.Count; i++)
        {
            var cx = ColumnX(i);
            chart.Line([(cx, chart.PlotTop), (cx, chart.PlotBottom)], "axis");
            chart.Text(cx, chart.PlotBottom + 16, i < names.Count ? names[i] : "value", "label", "middle");
            var ticks = i < names.Count ? scales[i].Ticks() : valueAxis.Ticks().Select(tk => (valueAxis[tk.Value], tk.Label));
            foreach (var (position, label) in ticks) chart.Text(cx + 3, position + 3, label);
        }
        return Wrap(chart, Note(complete.Count, MaxLines, "complete trials"));
    }

    /// <summary>One small scatter per parameter: its value against the objective.</summary>
    public static string Slices(StudySnapshot study)
    {
        var valued = study.Ranked;
        if (valued.Count == 0 || study.ParameterNames.Count == 0) return Empty("Slices need complete trials with parameters.");
        var shown = Thin(valued.OrderBy(t => t.Number).ToList(), MaxSlicePoints);
        var html = new Html().Raw("<div class=\"slices\">");
        foreach (var name in study.ParameterNames)
        {
            var chart = new SvgChart(300, 240, "slice " + name);
            var scale = Scale.For(valued.Select(t => t.Parameters.GetValueOrDefault(name)), chart.PlotLeft, chart.PlotRight);
            var y = new Axis(valued.Select(t => t.Value!.Value), chart.PlotBottom, chart.PlotTop, log: LogScale(valued.Select(t => t.Value!.Value)));
            chart.YAxis(y, "value");
            chart.Line([(chart.PlotLeft, chart.PlotBottom), (chart.PlotRight, chart.PlotBottom)], "axis");
            foreach (var (position, label) in scale.Ticks()) chart.Text(position, chart.PlotBottom + 14, label, "tick", "middle");
            chart.Text((chart.PlotLeft + chart.PlotRight) / 2, chart.Height - 6, name + (scale.IsLog ? " (log)" : ""), "label", "middle");
            foreach (var t in shown)
                if (scale.Position(t.Parameters.GetValueOrDefault(name)) is { } px)
                    chart.Point(px, y[t.Value!.Value], "pt", $"trial {t.Number}: {name}={Format.Value(t.Parameters[name])}, value {Format.Number(t.Value)}", Links.Trial(study.Name, t.Number), 3);
            html.Raw(chart.ToString());
        }
        html.Raw("</div>");
        if (Note(valued.Count, MaxSlicePoints, "complete trials") is { } note) html.Element("p", note, "class=\"note\"");
        return html.ToString();
    }

    /// <summary>fANOVA importance (Dsl.Reporting's forest) over the complete trials, thinned evenly for large studies.</summary>
    public static string Importance(StudySnapshot study)
    {
        var complete = study.Ranked.OrderBy(t => t.Number).ToList();
        var explained = Thin(complete, MaxImportanceTrials);
        var scores = ParameterImportance.Estimate(explained, SearchSpace.Empty);
        if (scores.Count == 0) return Empty("Importance needs at least two complete trials whose parameters and values vary.");
        var chart = new SvgChart(600, 40 + 28 * scores.Count, "parameter importance");
        var left = 180.0;
        var width = chart.Width - left - 60;
        for (var i = 0; i < scores.Count; i++)
        {
            var s = scores[i];
            var top = 12 + 28 * i;
            chart.Text(left - 8, top + 15, s.Parameter, "label", "end");
            chart.Rect(left, top, width * s.Importance, 20, "bar", $"{s.Parameter}: {s.Importance.ToString("P1", CultureInfo.InvariantCulture)}");
            chart.Text(left + width * s.Importance + 6, top + 15, s.Importance.ToString("0.000", CultureInfo.InvariantCulture));
        }
        return Wrap(chart, $"fANOVA main effects over {explained.Count} of {complete.Count} complete trials.");
    }

    /// <summary>Each trial as a bar from its start to its end (now while running), one lane per worker.</summary>
    public static string Timeline(StudySnapshot study)
    {
        var started = study.Trials.Where(t => t.StartedAt is not null).OrderBy(t => t.StartedAt).ToList();
        if (started.Count == 0) return Empty("No trial has started yet.");
        var shown = started.TakeLast(MaxPoints).ToList();
        var now = DateTimeOffset.UtcNow;
        var workers = shown.Select(t => t.WorkerId ?? "(unknown)").Distinct().Order(StringComparer.Ordinal).ToList();
        var lane = workers.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
        var t0 = shown[0].StartedAt!.Value;
        double Seconds(DateTimeOffset at) => (at - t0).TotalSeconds;
        var chart = new SvgChart(900, Math.Max(120, 60 + 22 * workers.Count), "timeline");
        var x = new Axis(shown.SelectMany(t => new[] { Seconds(t.StartedAt!.Value), Seconds(t.FinishedAt ?? now) }), 220, chart.PlotRight);
        chart.Line([(220, chart.PlotBottom), (chart.PlotRight, chart.PlotBottom)], "axis");
        foreach (var (value, label) in x.Ticks()) chart.Text(x[value], chart.PlotBottom + 14, label, "tick", "middle");
        chart.Text((220 + chart.PlotRight) / 2, chart.Height - 6, $"seconds since {Format.Time(t0)} UTC", "label", "middle");
        for (var i = 0; i < workers.Count; i++) chart.Text(214, chart.PlotTop + 22 * i + 15, workers[i], "tick", "end");
        foreach (var t in shown)
        {
            var start = x[Seconds(t.StartedAt!.Value)];
            var end = x[Seconds(t.FinishedAt ?? now)];
            chart.Rect(start, chart.PlotTop + 22 * lane[t.WorkerId ?? "(unknown)"] + 3, end - start, 16, StateClass(t.State),
                $"trial {t.Number} ({State(t.State)}) on {t.WorkerId ?? "an unknown worker"}: {Format.Time(t.StartedAt)} to {(t.FinishedAt is null ? "now" : Format.Time(t.FinishedAt))}, {Format.Duration((t.FinishedAt ?? now) - t.StartedAt)}",
                href: Links.Trial(study.Name, t.Number));
        }
        return Wrap(chart, started.Count > MaxPoints ? $"Showing the last {MaxPoints} of {started.Count} trials." : null);
    }

    /// <summary>One trial's intermediate values by step.</summary>
    public static string Curve(TrialRecord trial)
    {
        var points = trial.IntermediateValues.Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Key).ToList();
        if (points.Count == 0) return Empty("This trial has reported no intermediate value.");
        var chart = new SvgChart(700, 260, "learning curve");
        var x = new Axis(points.Select(p => (double)p.Key), chart.PlotLeft, chart.PlotRight);
        var y = new Axis(points.Select(p => p.Value), chart.PlotBottom, chart.PlotTop);
        chart.XAxis(x, "step (epoch)");
        chart.YAxis(y, "intermediate value");
        chart.Line(points.Select(p => (x[p.Key], y[p.Value])), "curve s-complete");
        foreach (var p in points) chart.Point(x[p.Key], y[p.Value], "pt", $"step {p.Key}: {Format.Number(p.Value)}");
        return chart.ToString();
    }

    /// <summary>A confusion matrix as a heat map: rows are true classes, columns predictions.</summary>
    public static string Confusion(long[][] counts)
    {
        var n = counts.Length;
        var cell = Math.Clamp(440.0 / Math.Max(n, 1), 14, 48);
        var chart = new SvgChart(Math.Max(80 + cell * n, 320), 60 + cell * n, "confusion matrix");
        var max = Math.Max(1, counts.SelectMany(r => r).DefaultIfEmpty(0).Max());
        for (var r = 0; r < n; r++)
        {
            chart.Text(54, 30 + cell * r + cell / 2 + 4, r.ToString(CultureInfo.InvariantCulture), "tick", "end");
            for (var c = 0; c < counts[r].Length; c++)
            {
                var share = counts[r][c] / (double)max;
                chart.Rect(60 + cell * c, 30 + cell * r, cell - 1, cell - 1, "cm", $"true {r}, predicted {c}: {counts[r][c]}", Heat(share));
                if (cell >= 28) chart.Text(60 + cell * c + cell / 2, 30 + cell * r + cell / 2 + 4, counts[r][c].ToString(CultureInfo.InvariantCulture), "cmtext", "middle", share > 0.5 ? "#fff" : "#222");
            }
        }
        for (var c = 0; c < n; c++) chart.Text(60 + cell * c + cell / 2, 24, c.ToString(CultureInfo.InvariantCulture), "tick", "middle");
        chart.Text(60 + cell * n / 2, chart.Height - 6, "predicted class (rows: true class)", "label", "middle");
        return chart.ToString();
    }

    private static string Wrap(SvgChart chart, string? note) =>
        note is null ? chart.ToString() : chart + "<p class=\"note\">" + Html.Encode(note) + "</p>";

    private static string Empty(string why) => "<p class=\"empty\">" + Html.Encode(why) + "</p>";

    private static string? Note(int total, int cap, string what) =>
        total > cap ? $"Showing {cap} of {total} {what}, evenly spaced; hover a point for its trial, click to open it." : null;

    /// <summary>At most <paramref name="cap"/> items, evenly spaced, the first and last always among them.</summary>
    internal static IReadOnlyList<T> Thin<T>(IReadOnlyList<T> items, int cap)
    {
        if (items.Count <= cap) return items;
        var result = new List<T>(cap);
        for (var i = 0; i < cap; i++) result.Add(items[(int)Math.Round(i * (items.Count - 1) / (double)(cap - 1))]);
        return result;
    }

    /// <summary>Log scale when every value is positive and they span three decades or more.</summary>
    private static bool LogScale(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToList();
        return list.Count > 1 && list.All(v => v > 0) && list.Max() / list.Min() >= 1000;
    }

    internal static string State(TrialState state) => state.ToString().ToLowerInvariant();

    internal static string StateClass(TrialState state) => "s-" + State(state);

    /// <summary>Best trials dark blue, worst pale yellow, by rank, so outliers do not wash out the colours.</summary>
    private static Dictionary<int, string> Colours(IReadOnlyList<TrialRecord> ranked)
    {
        var colours = new Dictionary<int, string>(ranked.Count);
        for (var i = 0; i < ranked.Count; i++) colours[ranked[i].Number] = Gradient(ranked.Count == 1 ? 0 : i / (double)(ranked.Count - 1));
        return colours;
    }

    private static string Gradient(double t)
    {
        // From #253494 (best) through #41b6c4 to #ffffcc (worst).
        (double R, double G, double B) a = (0x25, 0x34, 0x94), m = (0x41, 0xb6, 0xc4), b = (0xff, 0xff, 0xcc);
        var (from, to, u) = t < 0.5 ? (a, m, t * 2) : (m, b, (t - 0.5) * 2);
        return Hex(from.R + (to.R - from.R) * u, from.G + (to.G - from.G) * u, from.B + (to.B - from.B) * u);
    }

    private static string Heat(double share) => Hex(255 - 220 * share, 255 - 180 * share, 255 - 80 * share);

    private static string Hex(double r, double g, double b) =>
        string.Create(CultureInfo.InvariantCulture, $"#{(int)r:x2}{(int)g:x2}{(int)b:x2}");
}
