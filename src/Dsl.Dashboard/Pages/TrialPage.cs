using Dsl.Dashboard.Charts;
using Dsl.Dashboard.Data;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Pages;

/// <summary>One trial: parameters, state and value, per-epoch values and metrics, confusion matrix, checkpoint, error.</summary>
internal static class TrialPage
{
    public static string Body(string study, TrialRecord trial, TrialFiles files) =>
        new Html().Raw("<section id=\"trial\" data-live-src=\"").Text(Links.TrialBody(study, trial.Number)).Raw("\">")
            .Raw(Content(study, trial, files)).Raw("</section>").ToString();

    public static string Content(string study, TrialRecord trial, TrialFiles files)
    {
        var html = new Html();
        html.Raw("<table class=\"grid kv\" id=\"trial-summary\"><tbody>");
        Row(html, "state", StudyCharts.State(trial.State), StudyCharts.StateClass(trial.State));
        Row(html, "value", Format.Number(trial.Value));
        Row(html, "started (UTC)", Format.Time(trial.StartedAt));
        Row(html, "finished (UTC)", Format.Time(trial.FinishedAt));
        Row(html, "duration", Format.Duration(Format.DurationOf(trial)));
        Row(html, "worker", trial.WorkerId ?? "");
        html.Raw("</tbody></table>");

        if (trial.Error is { } error)
            html.Raw("<h2>Error</h2>").Element("pre", error, "class=\"error\" id=\"trial-error\"");

        html.Raw("<h2>Parameters</h2><table class=\"grid kv\" id=\"trial-params\"><tbody>");
        foreach (var (name, value) in trial.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)) Row(html, name, Format.Value(value));
        html.Raw("</tbody></table>");

        html.Raw("<h2>Per-epoch values</h2><div class=\"chart-box\">").Raw(StudyCharts.Curve(trial)).Raw("</div>");
        if (files.Epochs.Count > 0)
        {
            var columns = files.Epochs.SelectMany(e => e.Keys).Distinct(StringComparer.Ordinal).ToList();
            html.Raw("<table class=\"grid\" id=\"trial-epochs\"><thead><tr>");
            foreach (var c in columns) html.Element("th", c);
            html.Raw("</tr></thead><tbody>");
            foreach (var row in files.Epochs)
            {
                html.Raw("<tr>");
                foreach (var c in columns) html.Element("td", row.TryGetValue(c, out var v) ? Format.Number(v) : "", "class=\"num\"");
                html.Raw("</tr>");
            }
            html.Raw("</tbody></table>");
        }
        else if (trial.IntermediateValues.Count > 0)
        {
            html.Raw("<table class=\"grid\" id=\"trial-epochs\"><thead><tr><th>step</th><th>value</th></tr></thead><tbody>");
            foreach (var (step, value) in trial.IntermediateValues.OrderBy(p => p.Key))
                html.Raw("<tr>").Element("td", Format.Integer(step), "class=\"num\"").Element("td", Format.Number(value), "class=\"num\"").Raw("</tr>");
            html.Raw("</tbody></table>");
        }

        if (files.Metrics.Count > 0)
        {
            html.Raw("<h2>Checkpoint metrics</h2><table class=\"grid kv\"><tbody>");
            foreach (var (name, value) in files.Metrics) Row(html, name, Format.Number(value));
            html.Raw("</tbody></table>");
        }
        if (files.Confusion is { } confusion)
            html.Raw("<h2>Confusion matrix</h2><div class=\"chart-box\" id=\"trial-confusion\">").Raw(StudyCharts.Confusion(confusion)).Raw("</div>");

        html.Raw("<h2>Checkpoint</h2>");
        if (files.Checkpoint is not null)
            html.Raw("<p>").Link(Links.Checkpoint(study, trial.Number), "download " + Path.GetFileName(files.Checkpoint), "id=\"checkpoint-link\" download").Raw("</p>");
        else
            html.Element("p", trial.Attributes.ContainsKey(Sweeps.SweepAttributeKeys.Checkpoint)
                ? "The recorded checkpoint is not in the study's artifact folder (or no longer exists), so it cannot be downloaded here."
                : "This trial keeps no checkpoint.", "class=\"empty\"");

        var attributes = trial.Attributes.Where(a => a.Key != TrialFiles.ConfusionAttribute).OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        if (attributes.Count > 0)
        {
            html.Raw("<h2>Attributes</h2><table class=\"grid kv\" id=\"trial-attributes\"><tbody>");
            foreach (var (key, value) in attributes) html.Raw("<tr>").Element("th", key).Raw("<td>").Raw(StudyPage.Json(value)).Raw("</td></tr>");
            html.Raw("</tbody></table>");
        }
        return html.ToString();
    }

    private static void Row(Html html, string name, string value, string? cssClass = null) =>
        html.Raw("<tr>").Element("th", name).Element("td", value, cssClass is null ? "" : "class=\"" + cssClass + "\"").Raw("</tr>");
}
