namespace Dsl.Reporting;

/// <summary>What <see cref="SweepReport.Write"/> wrote: the page, each figure it could draw, and what it left out.</summary>
/// <param name="Directory">The folder holding the report.</param>
/// <param name="Markdown">The Markdown page, always written.</param>
/// <param name="History">The optimisation history, or null when no trial had a value to draw.</param>
/// <param name="Slices">The per-parameter slice plots, or null when there was nothing to draw.</param>
/// <param name="Parallel">The parallel-coordinate plot, or null when there was nothing to draw.</param>
/// <param name="Importance">The parameter-importance chart, or null when importance could not be estimated.</param>
/// <param name="Intermediate">The learning curves, or null when no trial reported intermediate values.</param>
public sealed record SweepReportFiles(
    string Directory,
    string Markdown,
    string? History,
    string? Slices,
    string? Parallel,
    string? Importance,
    string? Intermediate)
{
    /// <summary>The HTML page, always written beside the Markdown: the same content with the figures inline as SVG.</summary>
    public required string Html { get; init; }

    /// <summary>The parameters from most to least important; empty when importance could not be estimated.</summary>
    public IReadOnlyList<ParameterImportanceScore> ImportanceScores { get; init; } = [];

    /// <summary>What the report left out or could not draw, and why; the same lines close the Markdown page.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The PNG files written, in page order (the HTML page holds the same figures inline).</summary>
    public IEnumerable<string> Images =>
        new[] { Importance, History, Slices, Parallel, Intermediate }.OfType<string>();
}
