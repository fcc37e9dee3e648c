using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;

namespace Dsl.Reporting;

/// <summary>
/// One drawn figure of the report (a plot, or a grid of panels) that renders both as a PNG file for the Markdown page
/// and as inline SVG for the HTML page, so the two pages show the same drawing.
/// </summary>
/// <remarks>
/// ScottPlot's SVG has no interaction, so the figure also keeps hover points: data coordinates with a text each, which
/// become invisible circles carrying a <c>&lt;title&gt;</c> over the drawn markers; browsers show that title as a tooltip
/// without any script.
/// </remarks>
internal sealed class ReportFigure : IDisposable
{
    private const float HoverRadius = 6;

    private readonly List<Plot> panels = [];
    private readonly Dictionary<Plot, List<(Coordinates Point, string Text)>> hovers = [];
    private readonly int columns;
    private readonly int panelWidth;
    private readonly int panelHeight;

    /// <summary>A figure of one plot.</summary>
    public ReportFigure(Plot plot, int width, int height)
        : this(1, width, height) => AddPanel(plot);

    /// <summary>A grid of panels, <paramref name="columns"/> wide, each the given size; add them with <see cref="AddPanel"/>.</summary>
    public ReportFigure(int columns, int panelWidth, int panelHeight)
    {
        this.columns = columns;
        this.panelWidth = panelWidth;
        this.panelHeight = panelHeight;
    }

    public void AddPanel(Plot plot) => panels.Add(plot);

    /// <summary>Adds a tooltip at a data point of <paramref name="plot"/>.</summary>
    public void Hover(Plot plot, double x, double y, string text)
    {
        if (!hovers.TryGetValue(plot, out var list))
            hovers[plot] = list = [];
        list.Add((new Coordinates(x, y), text));
    }

    public void SavePng(string path)
    {
        if (panels.Count == 1)
        {
            panels[0].SavePng(path, panelWidth, panelHeight);
            return;
        }
        var multiplot = new Multiplot();
        while (multiplot.Subplots.Count > 0)
            multiplot.Subplots.RemoveAt(0);
        foreach (var panel in panels)
            multiplot.AddPlot(panel);
        var rows = (panels.Count + columns - 1) / columns;
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        multiplot.SavePng(path, panelWidth * columns, panelHeight * rows);
    }

    /// <summary>The figure as SVG elements, one per panel, each scaling to the width of its container.</summary>
    /// <param name="idPrefix">Prepended to every element id, since all of a page's inline SVGs share one id space.</param>
    public FigureSvg Svg(string idPrefix) =>
        new(panels.Select((plot, i) => PanelSvg(plot, $"{idPrefix}{i}-")).ToList(), Math.Min(columns, panels.Count), hovers.Count > 0);

    private string PanelSvg(Plot plot, string idPrefix)
    {
        var svg = plot.GetSvgXml(panelWidth, panelHeight)
            .Replace(" id=\"", " id=\"" + idPrefix, StringComparison.Ordinal)
            .Replace("url(#", "url(#" + idPrefix, StringComparison.Ordinal)
            .Replace("href=\"#", "href=\"#" + idPrefix, StringComparison.Ordinal);
        // Pixel positions are only known once the plot has been laid out, which rendering the SVG just did.
        var layer = new StringBuilder();
        if (hovers.TryGetValue(plot, out var points))
        {
            layer.Append("<g class=\"hover\">");
            foreach (var (point, text) in points)
            {
                var pixel = plot.GetPixel(point);
                if (!float.IsFinite(pixel.X) || !float.IsFinite(pixel.Y))
                    continue;
                layer.Append("<circle cx=\"").Append(Number(pixel.X)).Append("\" cy=\"").Append(Number(pixel.Y))
                    .Append("\" r=\"").Append(Number(HoverRadius)).Append("\"><title>")
                    .Append(WebUtility.HtmlEncode(text)).Append("</title></circle>");
            }
            layer.Append("</g>");
        }
        return Responsive(svg, panelWidth, panelHeight).Replace("</svg>", layer + "</svg>", StringComparison.Ordinal);
    }

    /// <summary>Drops the XML prolog (not allowed inside HTML) and gives the element a view box so CSS can scale it.</summary>
    private static string Responsive(string svg, int width, int height)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        svg = start > 0 ? svg[start..] : svg;
        if (!svg.Contains("viewBox", StringComparison.Ordinal))
            svg = string.Concat("<svg viewBox=\"0 0 ", width.ToString(CultureInfo.InvariantCulture), " ",
                height.ToString(CultureInfo.InvariantCulture), "\"", svg[4..]);
        return svg;
    }

    private static string Number(float x) => x.ToString("0.##", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var panel in panels)
            panel.Dispose();
    }
}
