using System.Globalization;
using Dsl.Dashboard.Pages;

namespace Dsl.Dashboard.Charts;

/// <summary>
/// An SVG drawing with a plot area, axes and marks, each mark with a <c>&lt;title&gt;</c> that the browser shows on hover.
/// The dashboard's script zooms and pans any <c>svg[data-zoom]</c> by its viewBox.
/// </summary>
internal sealed class SvgChart
{
    public const double Left = 64, Right = 16, Top = 12, Bottom = 40;
    private readonly Html body = new();

    public SvgChart(double width, double height, string label)
    {
        Width = width;
        Height = height;
        Label = label;
    }

    public double Width { get; }
    public double Height { get; }
    public string Label { get; }
    public double PlotLeft => Left;
    public double PlotRight => Width - Right;
    public double PlotTop => Top;
    public double PlotBottom => Height - Bottom;

    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public void XAxis(Axis axis, string title, IEnumerable<(double Value, string Label)>? ticks = null)
    {
        body.Raw($"<line class=\"axis\" x1=\"{N(PlotLeft)}\" y1=\"{N(PlotBottom)}\" x2=\"{N(PlotRight)}\" y2=\"{N(PlotBottom)}\"/>");
        foreach (var (value, label) in ticks ?? axis.Ticks())
        {
            var x = axis[value];
            body.Raw($"<line class=\"grid\" x1=\"{N(x)}\" y1=\"{N(PlotTop)}\" x2=\"{N(x)}\" y2=\"{N(PlotBottom)}\"/>");
            body.Raw($"<text class=\"tick\" x=\"{N(x)}\" y=\"{N(PlotBottom + 14)}\" text-anchor=\"middle\">").Text(label).Raw("</text>");
        }
        body.Raw($"<text class=\"label\" x=\"{N((PlotLeft + PlotRight) / 2)}\" y=\"{N(Height - 6)}\" text-anchor=\"middle\">").Text(title).Raw("</text>");
    }

    public void YAxis(Axis axis, string title, IEnumerable<(double Value, string Label)>? ticks = null)
    {
        body.Raw($"<line class=\"axis\" x1=\"{N(PlotLeft)}\" y1=\"{N(PlotTop)}\" x2=\"{N(PlotLeft)}\" y2=\"{N(PlotBottom)}\"/>");
        foreach (var (value, label) in ticks ?? axis.Ticks())
        {
            var y = axis[value];
            body.Raw($"<line class=\"grid\" x1=\"{N(PlotLeft)}\" y1=\"{N(y)}\" x2=\"{N(PlotRight)}\" y2=\"{N(y)}\"/>");
            body.Raw($"<text class=\"tick\" x=\"{N(PlotLeft - 4)}\" y=\"{N(y + 4)}\" text-anchor=\"end\">").Text(label).Raw("</text>");
        }
        body.Raw($"<text class=\"label\" transform=\"translate(12 {N((PlotTop + PlotBottom) / 2)}) rotate(-90)\" text-anchor=\"middle\">").Text(title).Raw("</text>");
    }

    /// <summary>A point with a hover title; <paramref name="href"/> makes it a link (a trial's page).</summary>
    public void Point(double x, double y, string cssClass, string title, string? href = null, double radius = 3.5)
    {
        if (href is not null) body.Raw("<a href=\"").Text(href).Raw("\">");
        body.Raw($"<circle class=\"{cssClass}\" cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{N(radius)}\"><title>").Text(title).Raw("</title></circle>");
        if (href is not null) body.Raw("</a>");
    }

    public void Line(IEnumerable<(double X, double Y)> points, string cssClass, string? title = null, string? stroke = null)
    {
        body.Raw($"<polyline class=\"{cssClass}\"");
        if (stroke is not null) body.Raw(" stroke=\"").Text(stroke).Raw("\"");
        body.Raw(" points=\"").Raw(string.Join(" ", points.Select(p => N(p.X) + "," + N(p.Y)))).Raw("\">");
        if (title is not null) body.Raw("<title>").Text(title).Raw("</title>");
        body.Raw("</polyline>");
    }

    public void Rect(double x, double y, double width, double height, string cssClass, string title, string? fill = null, string? href = null)
    {
        if (href is not null) body.Raw("<a href=\"").Text(href).Raw("\">");
        body.Raw($"<rect class=\"{cssClass}\" x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(Math.Max(width, 0.5))}\" height=\"{N(Math.Max(height, 0.5))}\"");
        if (fill is not null) body.Raw(" fill=\"").Text(fill).Raw("\"");
        body.Raw("><title>").Text(title).Raw("</title></rect>");
        if (href is not null) body.Raw("</a>");
    }

    public void Text(double x, double y, string text, string cssClass = "tick", string anchor = "start", string? fill = null)
    {
        body.Raw($"<text class=\"{cssClass}\" x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\"");
        if (fill is not null) body.Raw(" fill=\"").Text(fill).Raw("\"");
        body.Raw(">").Text(text).Raw("</text>");
    }

    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-zoom width=\"{N(Width)}\" height=\"{N(Height)}\" viewBox=\"0 0 {N(Width)} {N(Height)}\" role=\"img\" aria-label=\"{Html.Encode(Label)}\">{body}</svg>";
}
