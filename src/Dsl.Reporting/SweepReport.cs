using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Reporting;

/// <summary>
/// Writes a study's report: optimisation history, slice and parallel-coordinate plots, parameter importance and
/// learning curves, gathered on a Markdown page (with PNG files) and on a self-contained HTML page (with inline SVG).
/// </summary>
/// <remarks>
/// The report is written at the end of sweeps that took hours, so odd data never stops it: figures that cannot be drawn
/// are left out and the page says why. Only bad arguments and an unwritable folder throw.
/// </remarks>
public static class SweepReport
{
    /// <summary>The Markdown page's file name.</summary>
    public const string MarkdownFileName = "report.md";

    /// <summary>The HTML page's file name: the same page with its figures inline, for a browser, offline.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>The optimisation history's file name.</summary>
    public const string HistoryFileName = "history.png";

    /// <summary>The slice plots' file name.</summary>
    public const string SlicesFileName = "slices.png";

    /// <summary>The parallel-coordinate plot's file name.</summary>
    public const string ParallelFileName = "parallel.png";

    /// <summary>The parameter-importance chart's file name.</summary>
    public const string ImportanceFileName = "importance.png";

    /// <summary>The learning curves' file name.</summary>
    public const string IntermediateFileName = "intermediate.png";

    /// <summary>An observer that writes this report into the sweep's output folder when a sweep ends; add it to <c>SweepOptions.Observers</c>.</summary>
    public static SweepReportObserver Observer() => new();

    /// <summary>Writes the report into <paramref name="directory"/> (created if needed) and returns the files written.</summary>
    /// <param name="directory">The folder to write into; existing report files there are replaced.</param>
    /// <param name="studyName">The study's name, shown in titles.</param>
    /// <param name="trials">The study's trials in any order and any state.</param>
    /// <param name="space">The search space; parameters the trials carry beyond it are still drawn.</param>
    /// <param name="direction">Whether smaller or larger values are better.</param>
    /// <param name="metricName">The objective's name, for axis labels and tables.</param>
    /// <param name="fusions">The study's recorded fusions (<see cref="FusionRecord.FromAttributes"/>), shown in a Fusion section; none by default.</param>
    public static SweepReportFiles Write(
        string directory,
        string studyName,
        IReadOnlyList<TrialRecord> trials,
        SearchSpace space,
        StudyDirection direction,
        string metricName = "value",
        IReadOnlyList<FusionRecord>? fusions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(space);
        System.IO.Directory.CreateDirectory(directory);

        var data = new ReportData(studyName, trials, space, direction, metricName) { Fusions = fusions ?? [] };
        var scores = ParameterImportance.Estimate(data, out var whyNoImportance, out var importanceBasis);
        if (whyNoImportance is not null)
            data.Note($"Parameter importance is not shown: {whyNoImportance}.");

        var svgs = new Dictionary<string, FigureSvg>(StringComparer.Ordinal);
        string? Draw(string fileName, string what, string? whyEmpty, Func<ReportFigure?> draw)
        {
            var path = Path.Combine(directory, fileName);
            try
            {
                using var figure = draw();
                if (figure is not null)
                {
                    figure.SavePng(path);
                    svgs[path] = figure.Svg(Path.GetFileNameWithoutExtension(fileName) + "-");
                    return path;
                }
                if (whyEmpty is not null)
                    data.Note($"The {what} is not drawn: {whyEmpty}.");
            }
            catch (Exception e) when (e is not (IOException or UnauthorizedAccessException or OutOfMemoryException))
            {
                // A plotting failure on odd data must not cost the rest of the report.
                data.Note($"The {what} could not be drawn: {e.GetType().Name}: {e.Message}");
            }

            // A figure from an earlier report in this folder would otherwise sit beside a page that no longer matches it.
            File.Delete(path);
            return null;
        }

        var noValues = data.Axes.Count == 0 && data.Complete.Count > 0
            ? "the study has no parameters"
            : "no complete trial has a finite value";
        var history = Draw(HistoryFileName, "optimisation history", "no complete or pruned trial has a finite value",
            () => ReportCharts.History(data));
        var importance = Draw(ImportanceFileName, "importance chart", null, () => ReportCharts.Importance(data, scores));
        var slices = Draw(SlicesFileName, "slice plot", noValues, () => ReportCharts.Slices(data));
        var parallel = Draw(ParallelFileName, "parallel-coordinate plot", noValues, () => ReportCharts.Parallel(data));
        var intermediate = Draw(IntermediateFileName, "learning-curve plot", "no complete or pruned trial reported intermediate values",
            () => ReportCharts.Intermediate(data));

        var files = new SweepReportFiles(
            directory, Path.Combine(directory, MarkdownFileName), history, slices, parallel, importance, intermediate)
        {
            Html = Path.Combine(directory, HtmlFileName),
            ImportanceScores = scores,
            Notes = data.Notes.ToList(),
        };
        // Both pages render the same data and the same drawings, so they cannot tell different stories.
        var utf8 = new System.Text.UTF8Encoding(false);
        File.WriteAllText(files.Markdown, MarkdownReport.Render(data, scores, importanceBasis, files), utf8);
        File.WriteAllText(files.Html, HtmlReport.Render(data, scores, importanceBasis, files, svgs.GetValueOrDefault), utf8);
        return files;
    }
}
