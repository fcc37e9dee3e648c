using System.Globalization;
using System.Text;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Reporting;

/// <summary>The report's Markdown page: the study at a glance, its best trials, the importance ranking and the figures.</summary>
internal static class MarkdownReport
{
    public static string Render(ReportData data, IReadOnlyList<ParameterImportanceScore> scores, string importanceBasis, SweepReportFiles files)
    {
        var page = new StringBuilder();
        page.Append("# Sweep report: ").AppendLine(Escape(data.StudyName)).AppendLine();
        var better = data.Direction == StudyDirection.Maximize ? "maximize, larger is better" : "minimize, smaller is better";
        page.Append("- **Metric:** ").Append(CodeSpan(data.MetricName)).Append(" (").Append(better).AppendLine(")");
        page.Append("- **Parameters:** ").AppendLine(data.Axes.Count == 0
            ? "none"
            : string.Join(", ", data.Axes.Select(a => CodeSpan(a.Name) + Describe(a))));
        page.AppendLine();

        States(page, data);
        Best(page, data);
        Top(page, data);
        Fusion(page, data);
        Importance(page, scores, importanceBasis, data.MetricName, files.Importance);
        Figures(page, data, files);
        Failures(page, data);

        if (files.Notes.Count > 0)
        {
            page.AppendLine("## Notes").AppendLine();
            foreach (var note in files.Notes)
                page.Append("- ").AppendLine(Escape(note));
            page.AppendLine();
        }
        // The same study gives the same page byte for byte on every platform, so reports diff cleanly.
        return page.ToString().ReplaceLineEndings("\n");
    }

    private static void States(StringBuilder page, ReportData data)
    {
        page.AppendLine("## Trials").AppendLine();
        page.AppendLine("| state | trials |").AppendLine("|---|---:|");
        foreach (var state in Enum.GetValues<TrialState>())
        {
            var count = data.Trials.Count(t => t.State == state);
            page.Append("| ").Append(state.ToString().ToLowerInvariant()).Append(" | ")
                .Append(count.ToString(CultureInfo.InvariantCulture)).AppendLine(" |");
        }
        page.Append("| **total** | **").Append(data.Trials.Count.ToString(CultureInfo.InvariantCulture)).AppendLine("** |");
        page.AppendLine();
    }

    private static void Best(StringBuilder page, ReportData data)
    {
        page.AppendLine("## Best trial").AppendLine();
        if (data.Best is not { } best)
        {
            page.AppendLine("No complete trial has a finite value yet.").AppendLine();
            return;
        }
        page.Append("Trial **#").Append(best.Trial.Number.ToString(CultureInfo.InvariantCulture)).Append("** reached ")
            .Append(CodeSpan(data.MetricName)).Append(" = **").Append(Escape(ReportData.Number(best.Value))).AppendLine("**.").AppendLine();
        var parameters = ReportData.ParametersOf(best.Trial);
        if (parameters.Count == 0)
            return;
        page.AppendLine("| parameter | value |").AppendLine("|---|---|");
        foreach (var axis in data.Axes)
        {
            if (parameters.TryGetValue(axis.Name, out var value))
                page.Append("| ").Append(NameCell(axis.Name)).Append(" | ").Append(Cell(ParameterAxis.Format(value))).AppendLine(" |");
        }
        page.AppendLine();
    }

    private static void Top(StringBuilder page, ReportData data)
    {
        if (data.Ranked.Count < 2)
            return;
        var shown = Math.Min(ReportData.TopCount, data.Ranked.Count);
        page.Append("## Top ").Append(shown.ToString(CultureInfo.InvariantCulture)).AppendLine(" trials").AppendLine();
        page.Append("| rank | trial | ").Append(NameCell(data.MetricName)).Append(" |");
        foreach (var axis in data.Axes)
            page.Append(' ').Append(NameCell(axis.Name)).Append(" |");
        page.AppendLine();
        page.Append("|---:|---:|---:|");
        foreach (var axis in data.Axes)
            page.Append(axis.IsCategorical ? "---|" : "---:|");
        page.AppendLine();
        for (var rank = 0; rank < shown; rank++)
        {
            var (trial, value) = data.Ranked[rank];
            var parameters = ReportData.ParametersOf(trial);
            page.Append("| ").Append((rank + 1).ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(trial.Number.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(Cell(ReportData.Number(value))).Append(" |");
            foreach (var axis in data.Axes)
            {
                // An inactive conditional parameter is shown as a dash, not as an empty cell that reads like a lost value.
                var text = parameters.TryGetValue(axis.Name, out var v) ? ParameterAxis.Format(v) : "—";
                page.Append(' ').Append(Cell(text)).Append(" |");
            }
            page.AppendLine();
        }
        page.AppendLine();
    }

    /// <summary>The study's recorded fusions (ensembles, soups): each one's table, its notes, and whether fusing beat the best single model.</summary>
    private static void Fusion(StringBuilder page, ReportData data)
    {
        if (data.Fusions.Count == 0) return;
        page.AppendLine("## Fusion").AppendLine();
        var test = data.Fusions.All(f => f.Fusion.TestAccuracy is not null);
        if (FusionRecord.Verdict(data.Fusions) is { } verdict) page.AppendLine(Escape(verdict)).AppendLine();
        foreach (var fusion in data.Fusions)
        {
            page.Append("### ").AppendLine(Escape(fusion.Method)).AppendLine();
            page.Append("| model | trials | validation accuracy |").Append(test ? " test accuracy |" : "").AppendLine(" inference cost |")
                .Append("|---|---|---:|").Append(test ? "---:|" : "").AppendLine("---:|");
            foreach (var score in fusion.Members.Append(fusion.Fusion))
            {
                var name = ReferenceEquals(score, fusion.Fusion) ? $"**{Cell(score.Name)}**" : Cell(score.Name);
                page.Append("| ").Append(name)
                    .Append(" | ").Append(string.Join(", ", score.Trials.Select(t => t.ToString(CultureInfo.InvariantCulture))))
                    .Append(" | ").Append(ReportData.Accuracy(score.ValidationAccuracy)).Append(" |");
                if (test) page.Append(' ').Append(ReportData.Accuracy(score.TestAccuracy)).Append(" |");
                page.Append(' ').Append(score.InferenceCost.ToString("0.0", CultureInfo.InvariantCulture)).AppendLine("x |");
            }
            page.AppendLine();
            foreach (var note in fusion.Notes)
                page.Append("- ").AppendLine(Escape(note));
            if (fusion.Notes.Count > 0) page.AppendLine();
        }
    }

    private static void Importance(StringBuilder page, IReadOnlyList<ParameterImportanceScore> scores, string basis, string metric, string? image)
    {
        page.Append("## ").AppendLine(ReportCaption.Importance.Heading).AppendLine();
        if (scores.Count == 0)
        {
            page.AppendLine("Not estimated; see the notes below.").AppendLine();
            return;
        }
        page.AppendLine(ReportCaption.Importance.Format(basis.Replace(ParameterImportance.MetricSlot, CodeSpan(metric), StringComparison.Ordinal))).AppendLine();
        page.AppendLine("| rank | parameter | importance |").AppendLine("|---:|---|---:|");
        for (var rank = 0; rank < scores.Count; rank++)
        {
            page.Append("| ").Append((rank + 1).ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(NameCell(scores[rank].Parameter))
                .Append(" | ").Append(scores[rank].Importance.ToString("0.000", CultureInfo.InvariantCulture)).AppendLine(" |");
        }
        page.AppendLine();
        Image(page, ReportCaption.Importance.Alt, image);
    }

    private static void Figures(StringBuilder page, ReportData data, SweepReportFiles files)
    {
        foreach (var (caption, image) in ReportCaption.Figures(files))
        {
            page.Append("## ").AppendLine(caption.Heading).AppendLine();
            page.AppendLine(caption.Format(CodeSpan(data.MetricName))).AppendLine();
            Image(page, caption.Alt, image);
        }
    }

    private static void Failures(StringBuilder page, ReportData data)
    {
        var failed = data.Trials.Where(t => t.State == TrialState.Failed).ToList();
        if (failed.Count == 0)
            return;
        page.AppendLine("## Failed trials").AppendLine();
        foreach (var trial in failed.Take(ReportData.ErrorsShown))
        {
            page.Append("- Trial ").Append(trial.Number.ToString(CultureInfo.InvariantCulture)).Append(": ")
                .AppendLine(string.IsNullOrWhiteSpace(trial.Error) ? "no error recorded" : CodeSpan(ReportData.FirstLine(trial.Error)));
        }
        if (failed.Count > ReportData.ErrorsShown)
            page.Append("- … and ").Append((failed.Count - ReportData.ErrorsShown).ToString(CultureInfo.InvariantCulture)).AppendLine(" more.");
        page.AppendLine();
    }

    private static void Image(StringBuilder page, string alt, string? path)
    {
        if (path is null)
            return;
        // The page sits next to its figures, so a bare file name keeps the folder movable.
        page.Append("![").Append(alt).Append("](").Append(Uri.EscapeDataString(Path.GetFileName(path))).AppendLine(")").AppendLine();
    }

    private static string Describe(ParameterAxis axis)
    {
        var traits = axis.Traits(CodeSpan, v => Escape(ParameterAxis.Format(v)));
        return traits.Count == 0 ? "" : $" ({string.Join(", ", traits)})";
    }

    /// <summary>Escapes text so names and messages cannot turn into Markdown formatting or HTML.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\r' or '\n')
                escaped.Append(' ');
            else if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '|' or '!')
                escaped.Append('\\').Append(c);
            else
                escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static string Cell(string text) => Escape(text);

    /// <summary>A name as inline code, which keeps underscores literal; a table still splits a code span on a bare pipe.</summary>
    private static string NameCell(string text) => CodeSpan(text).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Text as an inline code span, which cannot hold a backtick or a line break.</summary>
    private static string CodeSpan(string text) => "`" + text.Replace('`', '\'').Replace('\r', ' ').Replace('\n', ' ') + "`";
}
