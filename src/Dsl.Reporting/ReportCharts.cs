using Dsl.Search;
using Dsl.Search.Trials;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Dsl.Reporting;

/// <summary>The report's figures, drawn with ScottPlot; the Markdown page shows them as PNG, the HTML page as inline SVG.</summary>
/// <remarks>Every method returns null when it has nothing to draw.</remarks>
internal static class ReportCharts
{
    private static readonly Color CompleteColor = Colors.C0;
    private static readonly Color PrunedColor = Colors.Gray;
    private static readonly Color BestColor = Colors.Red;
    private static readonly IColormap ValueColormap = new ScottPlot.Colormaps.Viridis();

    /// <summary>Learning curves with more points than this get a tooltip only at each curve's end.</summary>
    private const int MaxStepTooltips = 3000;

    // ScottPlot asks for a font that is often missing on Linux, and fontconfig then falls back on a serif face.
    private static readonly Lazy<string?> SansFont = new(() =>
        new[] { "Segoe UI", "Helvetica", "Arial", "DejaVu Sans", "Liberation Sans", "Noto Sans", "Open Sans" }
            .FirstOrDefault(name => string.Equals(Fonts.GetTypeface(name, false, false)?.FamilyName, name, StringComparison.OrdinalIgnoreCase)));

    public static ReportFigure? History(ReportData data)
    {
        if (data.Complete.Count == 0 && data.Pruned.Count == 0)
            return null;
        var plot = NewPlot($"Optimisation history: {data.StudyName}", "trial", data.MetricName);
        IntegerTicks(plot.Axes.Bottom);

        if (data.Pruned.Count > 0)
        {
            var pruned = plot.Add.ScatterPoints(
                data.Pruned.Select(p => (double)p.Trial.Number).ToArray(), data.Pruned.Select(p => p.Value).ToArray(), PrunedColor);
            pruned.MarkerShape = MarkerShape.Eks;
            pruned.MarkerSize = 7;
            pruned.LegendText = "pruned (last report)";
        }
        if (data.Complete.Count > 0)
        {
            var complete = plot.Add.ScatterPoints(
                data.Complete.Select(c => (double)c.Trial.Number).ToArray(), data.Complete.Select(c => c.Value).ToArray(), CompleteColor);
            complete.MarkerSize = 7;
            complete.LegendText = "complete";

            // The best-so-far line steps at each improvement and runs on to the last trial drawn.
            var xs = new List<double>();
            var ys = new List<double>();
            var best = data.Complete[0].Value;
            foreach (var (trial, value) in data.Complete)
            {
                if (xs.Count == 0 || data.IsBetter(value, best))
                {
                    best = value;
                    xs.Add(trial.Number);
                    ys.Add(best);
                }
            }
            var last = Math.Max(data.Complete[^1].Trial.Number, data.Pruned.Count > 0 ? data.Pruned[^1].Trial.Number : 0);
            if (last > xs[^1])
            {
                xs.Add(last);
                ys.Add(best);
            }
            // A lone trial is its own best; a one-point line would only add an empty legend entry.
            if (xs.Count > 1)
            {
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), BestColor);
                line.ConnectStyle = ConnectStyle.StepHorizontal;
                line.LineWidth = 2;
                line.LegendText = "best so far";
            }
        }
        var numbers = data.Complete.Concat(data.Pruned).Select(c => (double)c.Trial.Number).ToList();
        var values = data.Complete.Concat(data.Pruned).Select(c => c.Value).ToList();
        Pad(plot, Edge.Bottom, numbers.Min(), numbers.Max(), minimumMargin: 0.5);
        Pad(plot, Edge.Left, values.Min(), values.Max());
        plot.ShowLegend(Edge.Right);
        var figure = Figure(plot, 1000, 520);
        foreach (var point in data.Pruned)
            figure.Hover(plot, point.Trial.Number, point.Value, Tip(data, point.Trial, point.Value, " (pruned)"));
        foreach (var point in data.Complete)
            figure.Hover(plot, point.Trial.Number, point.Value, Tip(data, point.Trial, point.Value));
        return figure;
    }

    /// <summary>One panel per parameter: the objective against the parameter's value, coloured by trial number.</summary>
    public static ReportFigure? Slices(ReportData data)
    {
        if (data.Complete.Count == 0 || data.Axes.Count == 0)
            return null;
        // Four panels fit a 2 × 2 grid better than a row of three and a lone fourth.
        var columns = data.Axes.Count == 4 ? 2 : Math.Min(3, data.Axes.Count);
        var figure = new ReportFigure(columns, 400, 330);
        var firstNumber = data.Complete[0].Trial.Number;
        var lastNumber = data.Complete[^1].Trial.Number;
        var lowest = data.Complete.Min(c => c.Value);
        var highest = data.Complete.Max(c => c.Value);

        for (var i = 0; i < data.Axes.Count; i++)
        {
            var axis = data.Axes[i];
            var plot = NewPlot("", "", i % columns == 0 ? data.MetricName : "");
            var points = new List<(double X, double Y, double Shade)>();
            (double X, double Y)? best = null;
            foreach (var (trial, value) in data.Complete)
            {
                double? x = axis.IsCategorical
                    ? axis.ChoiceIndex(trial) is var index and >= 0 ? index + Jitter(trial.Number) : null
                    : axis.NumericValue(trial) is { } v ? (axis.Scale == AxisScale.Log ? Math.Log10(v) : v) : null;
                if (x is null)
                    continue;
                var shade = lastNumber > firstNumber ? (trial.Number - firstNumber) / (double)(lastNumber - firstNumber) : 1;
                points.Add((x.Value, value, shade));
                figure.Hover(plot, x.Value, value, $"trial {trial.Number}\n{axis.Name} = {ParameterAxis.Format(ReportData.ParametersOf(trial)[axis.Name])}\n{data.MetricName} = {ReportData.Number(value)}");
                if (data.Best is { } b && ReferenceEquals(b.Trial, trial))
                    best = (x.Value, value);
            }
            AddShadedMarkers(plot, points, 6);
            if (best is { } star)
                plot.Add.Marker(star.X, star.Y, MarkerShape.OpenCircle, 14, BestColor).MarkerLineWidth = 2;

            var shown = points.Count == data.Complete.Count
                ? axis.Name
                : $"{axis.Name} ({points.Count} of {data.Complete.Count} trials)";
            plot.Title(axis.Scale == AxisScale.Log ? shown + ", log scale" : shown, 13);
            double left, right;
            if (axis.IsCategorical)
            {
                CategoryTicks(plot.Axes.Bottom, axis);
                (left, right) = (-0.5, Math.Max(1, axis.Choices.Count) - 0.5);
                plot.Axes.SetLimitsX(left, right);
            }
            else if (axis.Scale == AxisScale.Log)
            {
                LogTicks(plot.Axes.Bottom, axis.Low, axis.High);
                (left, right) = Pad(plot, Edge.Bottom, Math.Log10(axis.Low), Math.Log10(axis.High));
            }
            else
            {
                if (axis.IsInteger)
                    IntegerTicks(plot.Axes.Bottom);
                else
                    NumberTicks(plot.Axes.Bottom);
                (left, right) = Pad(plot, Edge.Bottom, axis.Low, axis.High);
            }

            // One value scale for every panel, so a steep slice and a flat one look steep and flat side by side.
            var (bottom, top) = Pad(plot, Edge.Left, lowest, highest);
            if (points.Count == 0)
            {
                var empty = plot.Add.Text("inactive in every complete trial", 0.5 * (left + right), 0.5 * (bottom + top));
                empty.LabelFontSize = 12;
                empty.LabelFontColor = Colors.Gray;
                empty.Alignment = Alignment.MiddleCenter;
            }
            UseSansFont(plot);
            figure.AddPanel(plot);
        }
        return figure;
    }

    /// <summary>Parallel coordinates: one vertical axis per parameter and one for the objective, a line per complete trial.</summary>
    public static ReportFigure? Parallel(ReportData data)
    {
        if (data.Complete.Count == 0 || data.Axes.Count == 0)
            return null;
        const double absent = -0.1;
        var min = data.Complete.Min(c => c.Value);
        var max = data.Complete.Max(c => c.Value);
        double Unit(double value) => max > min ? (value - min) / (max - min) : 0.5;
        var goodness = (double value) => data.Direction == StudyDirection.Maximize ? Unit(value) : 1 - Unit(value);

        // The best trials take the dark end of the map in either direction: dark lines stand out on white, yellow ones do not.
        IColormap colormap = data.Direction == StudyDirection.Maximize ? new ReversedColormap(ValueColormap) : ValueColormap;

        var plot = NewPlot($"Parallel coordinates: {data.StudyName}", "", "");
        var count = data.Axes.Count + 1;
        for (var k = 0; k < count; k++)
            plot.Add.VerticalLine(k, 1, Colors.Black.WithAlpha(0.5));

        // The best trials go on top so a crowded plot still shows where the good region is.
        foreach (var (trial, value) in data.Complete.OrderBy(c => goodness(c.Value)).ThenBy(c => c.Trial.Number))
        {
            var ys = new double[count];
            for (var k = 0; k < data.Axes.Count; k++)
                ys[k] = data.Axes[k].Position(trial) ?? absent;
            ys[^1] = Unit(value);
            var line = plot.Add.ScatterLine(Enumerable.Range(0, count).Select(k => (double)k).ToArray(), ys,
                colormap.GetColor(Unit(value)).WithAlpha(0.8));
            line.LineWidth = data.Best is { } b && ReferenceEquals(b.Trial, trial) ? 3.5f : 1.5f;
        }

        for (var k = 0; k < data.Axes.Count; k++)
        {
            var axis = data.Axes[k];
            if (axis.IsCategorical)
            {
                for (var c = 0; c < axis.Choices.Count; c++)
                    AxisLabel(plot, k, (c + 0.5) / axis.Choices.Count, axis.ChoiceLabel(c));
            }
            else
            {
                // A range of one value (a parameter read off a single trial) gets one label, in the middle where its lines are.
                foreach (var u in axis.High > axis.Low ? [0, 0.5, 1] : new[] { 0.5 })
                    AxisLabel(plot, k, u, ReportData.Number(Round(axis.FromUnit(u))));
            }
            if (data.Complete.Any(c => axis.Position(c.Trial) is null))
                AxisLabel(plot, k, absent, "absent");
        }
        foreach (var u in max > min ? [0, 0.5, 1] : new[] { 0.5 })
            AxisLabel(plot, data.Axes.Count, u, ReportData.Number(Round(max > min ? min + u * (max - min) : min)));

        plot.Axes.Bottom.SetTicks(
            Enumerable.Range(0, count).Select(k => (double)k).ToArray(),
            data.Axes.Select(a => a.Scale == AxisScale.Log ? a.Name + " (log)" : a.Name).Append(data.MetricName).ToArray());
        plot.Axes.Left.SetTicks([], []);
        plot.Axes.SetLimits(-0.25, count - 0.35, absent - 0.08, 1.06);
        if (max > min)
        {
            var bar = plot.Add.ColorBar(new ColorScale(colormap, min, max), Edge.Right);
            bar.Label = data.MetricName;
            NumberTicks(bar.Axis);
        }
        var figure = Figure(plot, Math.Max(900, 170 * count + 160), 560);
        // Each line ends on the objective's axis, where it is easiest to pick out.
        foreach (var (trial, value) in data.Complete)
            figure.Hover(plot, data.Axes.Count, Unit(value), Tip(data, trial, value));
        return figure;
    }

    public static ReportFigure? Importance(ReportData data, IReadOnlyList<ParameterImportanceScore> scores)
    {
        if (scores.Count == 0)
            return null;
        var plot = NewPlot($"Parameter importance: {data.StudyName}", "share of explained variance (fANOVA main effects)", "");
        var bars = new List<Bar>();
        for (var rank = 0; rank < scores.Count; rank++)
        {
            bars.Add(new Bar
            {
                Position = scores.Count - 1 - rank,
                Value = scores[rank].Importance,
                FillColor = rank == 0 ? Colors.C1 : CompleteColor,
                LineWidth = 0,
                Label = scores[rank].Importance.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 13;
        plot.Axes.Left.SetTicks(
            Enumerable.Range(0, scores.Count).Select(p => (double)p).ToArray(),
            scores.Select(s => s.Parameter).Reverse().ToArray());
        NumberTicks(plot.Axes.Bottom);
        plot.Axes.SetLimits(0, Math.Max(scores[0].Importance, 1e-9) * 1.15, -0.6, scores.Count - 0.4);
        return Figure(plot, 900, 160 + 46 * scores.Count);
    }

    /// <summary>Learning curves: every complete and pruned trial's intermediate values by step.</summary>
    public static ReportFigure? Intermediate(ReportData data)
    {
        var curves = data.Trials
            .Where(t => t.State is TrialState.Complete or TrialState.Pruned)
            .Select(t => (Trial: t, Curve: ReportData.CurveOf(t)))
            .Where(c => c.Curve.Count > 0)
            .ToList();
        if (curves.Count == 0)
            return null;
        var plot = NewPlot($"Learning curves: {data.StudyName}", "step", data.MetricName);
        IntegerTicks(plot.Axes.Bottom);
        bool completeNamed = false, prunedNamed = false;
        foreach (var (trial, curve) in curves.OrderBy(c => data.Best is { } b && ReferenceEquals(b.Trial, c.Trial)))
        {
            var isBest = data.Best is { } b && ReferenceEquals(b.Trial, trial);
            var pruned = trial.State == TrialState.Pruned;
            var color = isBest ? BestColor : pruned ? PrunedColor.WithAlpha(0.7) : CompleteColor.WithAlpha(0.7);
            var line = plot.Add.ScatterLine(curve.Select(p => (double)p.Step).ToArray(), curve.Select(p => p.Value).ToArray(), color);
            line.LineWidth = isBest ? 3 : 1.5f;
            line.MarkerSize = curve.Count == 1 ? 5 : 0;
            if (isBest)
                line.LegendText = $"best (trial {trial.Number})";
            else if (pruned && !prunedNamed)
                (line.LegendText, prunedNamed) = ("pruned", true);
            else if (!pruned && !completeNamed)
                (line.LegendText, completeNamed) = ("complete", true);
            if (pruned)
                plot.Add.Marker(curve[^1].Step, curve[^1].Value, MarkerShape.Eks, 8, PrunedColor);
        }
        var steps = curves.SelectMany(c => c.Curve.Select(p => (double)p.Step)).ToList();
        var values = curves.SelectMany(c => c.Curve.Select(p => p.Value)).ToList();
        Pad(plot, Edge.Bottom, steps.Min(), steps.Max(), minimumMargin: 0.5);
        Pad(plot, Edge.Left, values.Min(), values.Max());
        plot.ShowLegend(Edge.Right);
        var figure = Figure(plot, 1000, 520);
        // A tooltip per step would make a large study's page huge; there, each curve's end names its trial.
        var everyStep = steps.Count <= MaxStepTooltips;
        foreach (var (trial, curve) in curves)
        {
            var state = trial.State == TrialState.Pruned ? " (pruned)" : "";
            foreach (var (step, value) in everyStep ? curve : [curve[^1]])
                figure.Hover(plot, step, value, $"trial {trial.Number}{state}, step {step}\n{data.MetricName} = {ReportData.Number(value)}");
        }
        return figure;
    }

    /// <summary>A tooltip naming the trial, its value and its parameters, one per line.</summary>
    private static string Tip(ReportData data, TrialRecord trial, double value, string label = "")
    {
        var parameters = ReportData.ParametersOf(trial);
        return $"trial {trial.Number}{label}\n{data.MetricName} = {ReportData.Number(value)}" + string.Concat(
            data.Axes.Where(a => parameters.ContainsKey(a.Name)).Select(a => $"\n{a.Name} = {ParameterAxis.Format(parameters[a.Name])}"));
    }

    private static void UseSansFont(Plot plot)
    {
        if (SansFont.Value is { } font)
            plot.Font.Set(font);
    }

    private static ReportFigure Figure(Plot plot, int width, int height)
    {
        UseSansFont(plot);
        return new ReportFigure(plot, width, height);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        if (title.Length > 0)
            plot.Title(title, 16);
        if (xLabel.Length > 0)
            plot.XLabel(xLabel, 13);
        if (yLabel.Length > 0)
            plot.YLabel(yLabel, 13);
        NumberTicks(plot.Axes.Left);
        return plot;
    }

    /// <summary>Spreads a category's points sideways, the same way for the same trial number.</summary>
    private static double Jitter(int number) => ((number * 0.6180339887498949) % 1.0 + 1.0) % 1.0 * 0.36 - 0.18;

    /// <summary>Markers coloured along the colormap, grouped into a few shades so a large study stays a few plottables.</summary>
    private static void AddShadedMarkers(Plot plot, List<(double X, double Y, double Shade)> points, float size)
    {
        const int shades = 12;
        foreach (var group in points.GroupBy(p => (int)Math.Round(p.Shade * (shades - 1))).OrderBy(g => g.Key))
        {
            var color = ValueColormap.GetColor(group.Key / (double)(shades - 1));
            plot.Add.Markers(group.Select(p => p.X).ToArray(), group.Select(p => p.Y).ToArray(), MarkerShape.FilledCircle, size, color.WithAlpha(0.85));
        }
    }

    private static void AxisLabel(Plot plot, double x, double y, string text)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = 11;
        label.Alignment = Alignment.MiddleLeft;
        label.OffsetX = 4;
        label.LabelBackgroundColor = Colors.White.WithAlpha(0.75);
    }

    /// <summary>Sets an axis to the data's range plus a margin, and returns the limits set.</summary>
    /// <remarks>ScottPlot's own autoscale spreads a single value over an arbitrary span; a lone value gets ±10 % of itself.</remarks>
    private static (double Low, double High) Pad(Plot plot, Edge edge, double low, double high, double minimumMargin = 0)
    {
        var margin = high > low ? 0.05 * (high - low) : low != 0 ? 0.1 * Math.Abs(low) : 0.5;
        margin = Math.Max(margin, minimumMargin);
        var limits = (low - margin, high + margin);
        if (edge is Edge.Bottom or Edge.Top)
            plot.Axes.SetLimitsX(limits.Item1, limits.Item2);
        else
            plot.Axes.SetLimitsY(limits.Item1, limits.Item2);
        return limits;
    }

    private static double Round(double x) => x == 0 || !double.IsFinite(x) ? x : double.Parse(
        x.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    // ScottPlot's default density labels every 0.05 on a 900-pixel axis; half of that reads at a glance.
    private const double TickDensity = 0.5;

    private static void NumberTicks(IAxis axis) =>
        axis.TickGenerator = new NumericAutomatic { TickDensity = TickDensity, LabelFormatter = x => ReportData.Number(Math.Abs(x) < 1e-12 ? 0 : x) };

    private static void IntegerTicks(IAxis axis) =>
        axis.TickGenerator = new NumericAutomatic { TickDensity = TickDensity, IntegerTicksOnly = true, LabelFormatter = x => ReportData.Number(Math.Round(x)) };

    private static void CategoryTicks(IAxis axis, ParameterAxis parameter) =>
        axis.SetTicks(
            Enumerable.Range(0, parameter.Choices.Count).Select(i => (double)i).ToArray(),
            Enumerable.Range(0, parameter.Choices.Count).Select(parameter.ChoiceLabel).ToArray());

    /// <summary>Ticks for an axis drawn in log10 units but labelled in the parameter's own.</summary>
    /// <remarks>Decades alone leave a narrow range (1e-4 to 5e-4) without a label, so short ranges also get 2× and 5×.</remarks>
    private static void LogTicks(IAxis axis, double low, double high)
    {
        var ticks = new NumericManual();
        var first = (int)Math.Floor(Math.Log10(low));
        var last = (int)Math.Ceiling(Math.Log10(high));
        var decades = last - first;
        var majors = decades <= 2 ? new[] { 1, 2, 5 } : [1];
        var stride = Math.Max(1, (int)Math.Ceiling(decades / 8.0));
        var labelled = 0;
        for (var e = first; e <= last; e++)
        {
            for (var m = 1; m <= 9; m++)
            {
                var value = m * Math.Pow(10, e);
                if (value < low * 0.999 || value > high * 1.001)
                    continue;
                if (majors.Contains(m) && (m != 1 || (e - first) % stride == 0))
                {
                    ticks.AddMajor(Math.Log10(value), ReportData.Number(Round(value)));
                    labelled++;
                }
                else
                {
                    ticks.AddMinor(Math.Log10(value));
                }
            }
        }
        if (labelled < 2)
        {
            ticks.AddMajor(Math.Log10(low), ReportData.Number(Round(low)));
            ticks.AddMajor(Math.Log10(high), ReportData.Number(Round(high)));
        }
        axis.TickGenerator = ticks;
    }

    /// <summary>A colormap run backwards.</summary>
    private sealed class ReversedColormap(IColormap colormap) : IColormap
    {
        public string Name => colormap.Name + " (reversed)";

        public Color GetColor(double normalized) => colormap.GetColor(1 - normalized);
    }

    /// <summary>A colour axis for the colour bar, which ScottPlot otherwise takes from a heatmap.</summary>
    private sealed class ColorScale(IColormap colormap, double min, double max) : IHasColorAxis
    {
        public IColormap Colormap { get; set; } = colormap;

        public ScottPlot.Range GetRange() => max > min ? new ScottPlot.Range(min, max) : new ScottPlot.Range(min - 0.5, max + 0.5);
    }
}
