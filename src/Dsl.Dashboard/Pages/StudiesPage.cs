using Dsl.Dashboard.Charts;
using Dsl.Dashboard.Data;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Pages;

/// <summary>The front page: every study in the store with its counts, best value and last activity.</summary>
internal static class StudiesPage
{
    public static string Body(string location) =>
        new Html().Element("p", "Store: " + location, "class=\"meta\"")
            .Raw("<section data-live-src=\"").Text(Links.StudiesTable).Raw("\" data-live-now>").Raw("<p class=\"empty\">Loading…</p></section>").ToString();

    /// <summary>The table of studies; <paramref name="activity"/> gives each study's last activity where known.</summary>
    public static string Table(IReadOnlyList<StudySummary> studies, IReadOnlyDictionary<string, DateTimeOffset?> activity)
    {
        if (studies.Count == 0) return "<p class=\"empty\">The store holds no study yet.</p>";
        var html = new Html().Raw("<table class=\"grid\" id=\"studies\"><thead><tr><th>study</th><th>direction</th><th>trials</th>");
        foreach (var state in Enum.GetValues<TrialState>()) html.Element("th", StudyCharts.State(state));
        html.Raw("<th>best value</th><th>best trial</th><th>created</th><th>last activity (UTC)</th></tr></thead><tbody>");
        foreach (var s in studies)
        {
            html.Raw("<tr><td>").Link(Links.Study(s.Name), s.Name).Raw("</td>")
                .Element("td", s.Direction.ToString().ToLowerInvariant())
                .Element("td", Format.Integer(s.TotalTrials), "class=\"num\"");
            foreach (var state in Enum.GetValues<TrialState>()) html.Element("td", Format.Integer(s.Count(state)), "class=\"num " + StudyCharts.StateClass(state) + "\"");
            html.Element("td", Format.Number(s.BestValue), "class=\"num\"").Raw("<td class=\"num\">");
            if (s.BestTrial is { } best) html.Link(Links.Trial(s.Name, best), Format.Integer(best));
            html.Raw("</td>").Element("td", Format.Time(s.CreatedAt)).Element("td", Format.Time(activity.GetValueOrDefault(s.Name))).Raw("</tr>");
        }
        return html.Raw("</tbody></table>").ToString();
    }
}
