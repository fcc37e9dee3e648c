using System.Globalization;
using System.Net;
using System.Text;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Reporting;

/// <summary>
/// The report's HTML page: the Markdown page's content with the figures inline as SVG (hover a point for its trial) and
/// every trial in a table sorted by clicking its headers. One file, no network: it opens from disk, offline.
/// </summary>
/// <remarks>
/// Every text that comes from the study (its name, the metric, parameter names and values, errors, notes) passes through
/// <see cref="Text"/>, so a name like <c>&lt;script&gt;</c> shows as text and never runs. A new section is one more
/// method in <see cref="Sections"/>.
/// </remarks>
internal static class HtmlReport
{
    /// <summary>The id of the table that holds every trial, one row each.</summary>
    public const string TrialTableId = "trials";

    private delegate void Section(StringBuilder page, Content content);

    private static readonly Section[] Sections = [States, Best, Top, Fusion, Importance, Figures, AllTrials, Failures, Notes];

    /// <summary>What a section may draw on.</summary>
    private sealed record Content(
        ReportData Data,
        IReadOnlyList<ParameterImportanceScore> Scores,
        string ImportanceBasis,
        SweepReportFiles Files,
        Func<string, FigureSvg?> SvgOf);

    /// <summary>The page; <paramref name="svgOf"/> gives a figure's inline SVG elements by the path of its PNG file.</summary>
    public static string Render(
        ReportData data,
        IReadOnlyList<ParameterImportanceScore> scores,
        string importanceBasis,
        SweepReportFiles files,
        Func<string, FigureSvg?> svgOf)
    {
        var content = new Content(data, scores, importanceBasis, files, svgOf);
        var page = new StringBuilder();
        page.AppendLine("<!DOCTYPE html>")
            .AppendLine("<html lang=\"en\">")
            .AppendLine("<head>")
            .AppendLine("<meta charset=\"utf-8\">")
            .AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Sweep report: ").Append(Text(data.StudyName)).AppendLine("</title>")
            .Append("<style>").Append(Style).AppendLine("</style>")
            .AppendLine("</head>")
            .AppendLine("<body>")
            .Append("<h1>Sweep report: ").Append(Text(data.StudyName)).AppendLine("</h1>");

        var better = data.Direction == StudyDirection.Maximize ? "maximize, larger is better" : "minimize, smaller is better";
        page.Append("<ul class=\"summary\"><li><strong>Metric:</strong> ").Append(Code(data.MetricName)).Append(" (").Append(better).AppendLine(")</li>");
        page.Append("<li><strong>Parameters:</strong> ").Append(data.Axes.Count == 0
            ? "none"
            : string.Join(", ", data.Axes.Select(a => Code(a.Name) + Describe(a)))).AppendLine("</li></ul>");

        foreach (var section in Sections)
            section(page, content);

        page.Append("<script>").Append(SortScript).AppendLine("</script>");
        page.AppendLine("</body>").AppendLine("</html>");
        return page.ToString().ReplaceLineEndings("\n");
    }

    private static void States(StringBuilder page, Content content)
    {
        var data = content.Data;
        page.AppendLine("<h2>Trials</h2>");
        page.AppendLine("<table class=\"counts\"><thead><tr><th>state</th><th class=\"num\">trials</th></tr></thead><tbody>");
        foreach (var state in Enum.GetValues<TrialState>())
        {
            page.Append("<tr><td>").Append(StateName(state)).Append("</td><td class=\"num\">")
                .Append(Integer(data.Trials.Count(t => t.State == state))).AppendLine("</td></tr>");
        }
        page.Append("<tr class=\"total\"><td>total</td><td class=\"num\">").Append(Integer(data.Trials.Count)).AppendLine("</td></tr>");
        page.AppendLine("</tbody></table>");
    }

    private static void Best(StringBuilder page, Content content)
    {
        var data = content.Data;
        page.AppendLine("<h2>Best trial</h2>");
        if (data.Best is not { } best)
        {
            page.AppendLine("<p>No complete trial has a finite value yet.</p>");
            return;
        }
        page.Append("<p>Trial <strong>#").Append(Integer(best.Trial.Number)).Append("</strong> reached ").Append(Code(data.MetricName))
            .Append(" = <strong>").Append(Text(ReportData.Number(best.Value))).AppendLine("</strong>.</p>");
        var parameters = ReportData.ParametersOf(best.Trial);
        if (parameters.Count == 0)
            return;
        page.AppendLine("<table class=\"best\"><thead><tr><th>parameter</th><th>value</th></tr></thead><tbody>");
        foreach (var axis in data.Axes)
        {
            if (parameters.TryGetValue(axis.Name, out var value))
                page.Append("<tr><td>").Append(Code(axis.Name)).Append("</td><td>").Append(Text(ParameterAxis.Format(value))).AppendLine("</td></tr>");
        }
        page.AppendLine("</tbody></table>");
    }

    private static void Top(StringBuilder page, Content content)
    {
        var data = content.Data;
        if (data.Ranked.Count < 2)
            return;
        var shown = Math.Min(ReportData.TopCount, data.Ranked.Count);
        page.Append("<h2>Top ").Append(Integer(shown)).AppendLine(" trials</h2>");
        page.Append("<table class=\"sortable top\"><thead><tr><th class=\"num\">rank</th><th class=\"num\">trial</th><th class=\"num\">")
            .Append(Code(data.MetricName)).Append("</th>");
        foreach (var axis in data.Axes)
            page.Append(axis.IsCategorical ? "<th>" : "<th class=\"num\">").Append(Code(axis.Name)).Append("</th>");
        page.AppendLine("</tr></thead><tbody>");
        for (var rank = 0; rank < shown; rank++)
        {
            var (trial, value) = data.Ranked[rank];
            page.Append("<tr>");
            NumberCell(page, rank + 1);
            NumberCell(page, trial.Number);
            NumberCell(page, value);
            ParameterCells(page, data, trial);
            page.AppendLine("</tr>");
        }
        page.AppendLine("</tbody></table>");
    }

    /// <summary>The study's recorded fusions (ensembles, soups), as the Markdown page shows them.</summary>
    private static void Fusion(StringBuilder page, Content content)
    {
        var fusions = content.Data.Fusions;
        if (fusions.Count == 0)
            return;
        page.AppendLine("<h2>Fusion</h2>");
        if (FusionRecord.Verdict(fusions) is { } verdict)
            page.Append("<p>").Append(Text(verdict)).AppendLine("</p>");
        var test = fusions.All(f => f.Fusion.TestAccuracy is not null);
        foreach (var fusion in fusions)
        {
            page.Append("<h3>").Append(Text(fusion.Method)).AppendLine("</h3>");
            page.Append("<table class=\"fusion\"><thead><tr><th>model</th><th>trials</th><th class=\"num\">validation accuracy</th>")
                .Append(test ? "<th class=\"num\">test accuracy</th>" : "").AppendLine("<th class=\"num\">inference cost</th></tr></thead><tbody>");
            foreach (var score in fusion.Members.Append(fusion.Fusion))
            {
                var fused = ReferenceEquals(score, fusion.Fusion);
                page.Append(fused ? "<tr class=\"total\"><td><strong>" : "<tr><td>").Append(Text(score.Name)).Append(fused ? "</strong></td><td>" : "</td><td>")
                    .Append(Text(string.Join(", ", score.Trials.Select(Integer)))).Append("</td>");
                AccuracyCell(page, score.ValidationAccuracy);
                if (test) AccuracyCell(page, score.TestAccuracy);
                page.Append("<td class=\"num\">").Append(score.InferenceCost.ToString("0.0", CultureInfo.InvariantCulture)).AppendLine("x</td></tr>");
            }
            page.AppendLine("</tbody></table>");
            if (fusion.Notes.Count == 0)
                continue;
            page.AppendLine("<ul class=\"notes\">");
            foreach (var note in fusion.Notes)
                page.Append("<li>").Append(Text(note)).AppendLine("</li>");
            page.AppendLine("</ul>");
        }
    }

    private static void Importance(StringBuilder page, Content content)
    {
        page.Append("<h2>").Append(ReportCaption.Importance.Heading).AppendLine("</h2>");
        if (content.Scores.Count == 0)
        {
            page.AppendLine("<p>Not estimated; see the notes below.</p>");
            return;
        }
        var basis = Text(content.ImportanceBasis).Replace(ParameterImportance.MetricSlot, Code(content.Data.MetricName), StringComparison.Ordinal);
        page.Append("<p>").Append(ReportCaption.Importance.Format(basis)).AppendLine("</p>");
        page.AppendLine("<table class=\"importance\"><thead><tr><th class=\"num\">rank</th><th>parameter</th><th class=\"num\">importance</th></tr></thead><tbody>");
        for (var rank = 0; rank < content.Scores.Count; rank++)
        {
            var score = content.Scores[rank];
            page.Append("<tr><td class=\"num\">").Append(Integer(rank + 1)).Append("</td><td>").Append(Code(score.Parameter))
                .Append("</td><td class=\"num\">").Append(score.Importance.ToString("0.000", CultureInfo.InvariantCulture)).AppendLine("</td></tr>");
        }
        page.AppendLine("</tbody></table>");
        Figure(page, content, ReportCaption.Importance, content.Files.Importance);
    }

    private static void Figures(StringBuilder page, Content content)
    {
        foreach (var (caption, image) in ReportCaption.Figures(content.Files))
        {
            page.Append("<h2>").Append(caption.Heading).AppendLine("</h2>");
            page.Append("<p>").Append(caption.Format(Code(content.Data.MetricName)))
                .Append(content.SvgOf(image) is { HasTooltips: true } ? " Hover over a point for its trial." : "").AppendLine("</p>");
            Figure(page, content, caption, image);
        }
    }

    /// <summary>Every trial, one row each, sortable by any column.</summary>
    private static void AllTrials(StringBuilder page, Content content)
    {
        var data = content.Data;
        page.AppendLine("<h2>All trials</h2>");
        if (data.Trials.Count == 0)
        {
            page.AppendLine("<p>The study has no trials yet.</p>");
            return;
        }
        page.AppendLine("<p>Click a column's header to sort by it; click again to reverse.</p>");
        page.Append("<div class=\"scroll\"><table class=\"sortable\" id=\"").Append(TrialTableId).Append("\"><thead><tr>")
            .Append("<th class=\"num\">trial</th><th>state</th><th class=\"num\">").Append(Code(data.MetricName)).Append("</th>")
            .Append("<th class=\"num\">steps</th><th class=\"num\">duration (s)</th>");
        foreach (var axis in data.Axes)
            page.Append(axis.IsCategorical ? "<th>" : "<th class=\"num\">").Append(Code(axis.Name)).Append("</th>");
        page.AppendLine("<th>error</th></tr></thead><tbody>");
        foreach (var trial in data.Trials)
        {
            page.Append("<tr class=\"").Append(StateName(trial.State)).Append("\">");
            NumberCell(page, trial.Number);
            page.Append("<td>").Append(StateName(trial.State)).Append("</td>");
            NumberCell(page, trial.Value);
            var steps = trial.IntermediateValues?.Count ?? 0;
            if (steps > 0)
                NumberCell(page, trial.IntermediateValues!.Keys.Max());
            else
                page.Append("<td class=\"num\" data-sort=\"\"></td>");
            NumberCell(page, trial is { StartedAt: { } s, FinishedAt: { } f } ? (f - s).TotalSeconds : null);
            ParameterCells(page, data, trial);
            if (string.IsNullOrWhiteSpace(trial.Error))
                page.Append("<td></td>");
            else
                page.Append("<td class=\"error\" title=\"").Append(Text(trial.Error)).Append("\">").Append(Text(ReportData.FirstLine(trial.Error))).Append("</td>");
            page.AppendLine("</tr>");
        }
        page.AppendLine("</tbody></table></div>");
    }

    private static void Failures(StringBuilder page, Content content)
    {
        var failed = content.Data.Trials.Where(t => t.State == TrialState.Failed).ToList();
        if (failed.Count == 0)
            return;
        page.AppendLine("<h2>Failed trials</h2>").AppendLine("<ul class=\"failures\">");
        foreach (var trial in failed.Take(ReportData.ErrorsShown))
        {
            page.Append("<li>Trial ").Append(Integer(trial.Number)).Append(": ")
                .Append(string.IsNullOrWhiteSpace(trial.Error) ? "no error recorded" : Code(ReportData.FirstLine(trial.Error))).AppendLine("</li>");
        }
        if (failed.Count > ReportData.ErrorsShown)
            page.Append("<li>… and ").Append(Integer(failed.Count - ReportData.ErrorsShown)).AppendLine(" more.</li>");
        page.AppendLine("</ul>");
    }

    private static void Notes(StringBuilder page, Content content)
    {
        if (content.Files.Notes.Count == 0)
            return;
        page.AppendLine("<h2>Notes</h2>").AppendLine("<ul class=\"notes\">");
        foreach (var note in content.Files.Notes)
            page.Append("<li>").Append(Text(note)).AppendLine("</li>");
        page.AppendLine("</ul>");
    }

    private static void Figure(StringBuilder page, Content content, ReportCaption caption, string? image)
    {
        if (image is null)
            return;
        if (content.SvgOf(image) is not { Panels.Count: > 0 } figure)
            return;
        page.Append("<figure aria-label=\"").Append(Text(caption.Alt)).Append('"');
        if (figure.Panels.Count > 1)
            page.Append(" class=\"panels\" style=\"grid-template-columns:repeat(").Append(Integer(figure.Columns)).Append(",1fr)\"");
        page.AppendLine(">");
        foreach (var svg in figure.Panels)
            page.Append("<div class=\"panel\">").Append(svg).AppendLine("</div>");
        page.AppendLine("</figure>");
    }

    private static void ParameterCells(StringBuilder page, ReportData data, TrialRecord trial)
    {
        var parameters = ReportData.ParametersOf(trial);
        foreach (var axis in data.Axes)
        {
            // An inactive conditional parameter is a dash, which sorts after every value.
            if (!parameters.TryGetValue(axis.Name, out var value) || value is null)
            {
                page.Append("<td data-sort=\"\">—</td>");
                continue;
            }
            if (!axis.IsCategorical && ParameterValues.TryToDouble(value, out var x) && double.IsFinite(x))
            {
                page.Append("<td class=\"num\" data-sort=\"").Append(x.ToString("R", CultureInfo.InvariantCulture)).Append("\">")
                    .Append(Text(ParameterAxis.Format(value))).Append("</td>");
            }
            else
            {
                page.Append("<td>").Append(Text(ParameterAxis.Format(value))).Append("</td>");
            }
        }
    }

    /// <summary>A fusion table's accuracy, formatted as the Markdown page formats it.</summary>
    private static void AccuracyCell(StringBuilder page, double? value) =>
        page.Append("<td class=\"num\" data-sort=\"").Append(value is { } v && !double.IsNaN(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "")
            .Append("\">").Append(Text(ReportData.Accuracy(value))).Append("</td>");

    private static void NumberCell(StringBuilder page, double? value)
    {
        if (value is not { } v || double.IsNaN(v))
        {
            page.Append("<td class=\"num\" data-sort=\"\">").Append(value is null ? "" : "NaN").Append("</td>");
            return;
        }
        page.Append("<td class=\"num\" data-sort=\"").Append(v.ToString("R", CultureInfo.InvariantCulture)).Append("\">")
            .Append(Text(ReportData.Number(v))).Append("</td>");
    }

    private static string Describe(ParameterAxis axis)
    {
        var traits = axis.Traits(Code, v => Text(ParameterAxis.Format(v)));
        return traits.Count == 0 ? "" : $" ({string.Join(", ", traits)})";
    }

    private static string StateName(TrialState state) => state.ToString().ToLowerInvariant();

    private static string Integer(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Text from the study, HTML-encoded for an element or a quoted attribute.</summary>
    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string Code(string text) => "<code>" + Text(text) + "</code>";

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.45}
        h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
        code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;background:#f4f4f4;padding:0 .2em;border-radius:3px}
        table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
        th{background:#f7f7f7}.num{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold}
        table.sortable th{cursor:pointer;user-select:none}table.sortable th[aria-sort=ascending]::after{content:" ▲"}table.sortable th[aria-sort=descending]::after{content:" ▼"}
        tr.failed td{background:#fff3f3}tr.pruned td{color:#666}td.error{max-width:28rem;overflow-wrap:anywhere}
        .scroll{overflow-x:auto}figure{margin:1rem 0}figure.panels{display:grid;gap:.5rem}
        figure svg{width:100%;height:auto;display:block}.hover circle{fill:#000;fill-opacity:0;cursor:default}.hover circle:hover{fill-opacity:.25}
        """;

    // Sorts by a cell's data-sort (numbers numerically), else by its text; cells with nothing to sort by stay last either way.
    private const string SortScript = """
        (function () {
          function key(cell) {
            var v = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
            if (v === '') return null;
            var n = Number(v);
            return isNaN(n) ? v.toLowerCase() : n;
          }
          document.querySelectorAll('table.sortable').forEach(function (table) {
            var headers = table.tHead.rows[0].cells;
            Array.prototype.forEach.call(headers, function (th, column) {
              th.tabIndex = 0;
              function sort() {
                var ascending = th.getAttribute('aria-sort') !== 'ascending';
                Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('aria-sort'); });
                th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = key(a.cells[column]), y = key(b.cells[column]);
                  if (x === null || y === null) return (x === null) - (y === null);
                  var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
                  return ascending ? c : -c;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              }
              th.addEventListener('click', sort);
              th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
            });
          });
        })();
        """;
}
