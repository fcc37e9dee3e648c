namespace Dsl.Reporting;

/// <summary>A figure rendered for the HTML page: one SVG element per panel, laid out in a grid of the given width.</summary>
/// <param name="Panels">The SVG elements, ready to sit inline in HTML.</param>
/// <param name="Columns">How many panels a row holds, as on the PNG.</param>
/// <param name="HasTooltips">Whether hovering a point shows its trial.</param>
internal sealed record FigureSvg(IReadOnlyList<string> Panels, int Columns, bool HasTooltips);
