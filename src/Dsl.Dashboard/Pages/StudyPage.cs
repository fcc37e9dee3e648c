using System.Text.Json;
using Dsl.Dashboard.Charts;
using Dsl.Dashboard.Data;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Pages;

/// <summary>A study: its summary, fusion results, the trial table and the charts, each refreshed live.</summary>
internal static class StudyPage
{
    private static readonly (string Kind, string Title)[] Sections =
    [
        ("history", "Optimisation history"),
        ("curves", "Intermediate values (learning curves)"),
        ("parallel", "Parallel coordinates"),
        ("slices", "Slices"),
        ("importance", "Parameter importance"),
        ("timeline", "Timeline per worker"),
    ];

    public static string Body(StudySnapshot study, TrialQuery query)
    {
        var html = new Html();
        var s = study.Summary;
        html.Raw("<p class=\"meta\">").Text($"{s.Direction.ToString().ToLowerInvariant()} · {s.TotalTrials} trials · created {Format.Time(s.CreatedAt)} UTC")
            .Raw(" · best value ").Element("strong", Format.Number(s.BestValue) is { Length: > 0 } v ? v : "none yet");
        if (s.BestTrial is { } best) html.Raw(" (").Link(Links.Trial(study.Name, best), "trial " + Format.Integer(best)).Raw(")");
        html.Raw(" · <a href=\"/api/study?s=").Text(Uri.EscapeDataString(study.Name)).Raw("\">JSON</a></p>");

        html.Raw("<section data-live-src=\"").Text(Links.Fusion(study.Name)).Raw("\">").Raw(Attributes(study.Attributes)).Raw("</section>");

        html.Raw("<h2>Trials</h2>").Raw(FilterForm(study, query));
        html.Raw("<section id=\"trials\" data-live-src=\"").Text(Links.StudyTable(study.Name, query.ToQueryString())).Raw("\">")
            .Raw(Table(study, query)).Raw("</section>");

        foreach (var (kind, title) in Sections)
        {
            html.Raw("<h2>").Text(title).Raw("</h2>");
            html.Raw($"<section class=\"chart-box\" id=\"chart-{kind}\" data-live-src=\"").Text(Links.Chart(study.Name, kind)).Raw("\" data-live-now><p class=\"empty\">Loading…</p></section>");
        }
        html.Raw("<p class=\"note\">Charts: hover a mark for its trial, click it to open the trial; scroll to zoom, drag to pan, double-click to reset.</p>");
        return html.ToString();
    }

    private static string FilterForm(StudySnapshot study, TrialQuery query)
    {
        var html = new Html().Raw("<form class=\"filters\" method=\"get\" action=\"/study\">")
            .Raw("<input type=\"hidden\" name=\"s\" value=\"").Text(study.Name).Raw("\">")
            .Raw("<label>state <select name=\"state\"><option value=\"\">any</option>");
        foreach (var state in Enum.GetValues<TrialState>())
        {
            html.Raw("<option value=\"").Text(state.ToString()).Raw(query.State == state ? "\" selected>" : "\">").Text(StudyCharts.State(state)).Raw("</option>");
        }
        html.Raw("</select></label> <label>parameter <select name=\"param\"><option value=\"\">-</option>");
        foreach (var name in study.ParameterNames)
            html.Raw("<option value=\"").Text(name).Raw(query.Parameter == name ? "\" selected>" : "\">").Text(name).Raw("</option>");
        html.Raw("</select></label> <label>min <input name=\"min\" size=\"8\" value=\"").Text(Format.Number(query.Min)).Raw("\"></label>")
            .Raw(" <label>max <input name=\"max\" size=\"8\" value=\"").Text(Format.Number(query.Max)).Raw("\"></label>")
            .Raw(" <label>contains <input name=\"match\" size=\"10\" value=\"").Text(query.Match).Raw("\"></label>")
            .Raw("<input type=\"hidden\" name=\"sort\" value=\"").Text(query.Sort).Raw("\">");
        if (query.Descending) html.Raw("<input type=\"hidden\" name=\"desc\" value=\"1\">");
        return html.Raw(" <button type=\"submit\">filter</button> <a href=\"").Text(Links.Study(study.Name)).Raw("\">clear</a></form>").ToString();
    }

    /// <summary>One page of the filtered, sorted trials, with sortable headers and page links.</summary>
    public static string Table(StudySnapshot study, TrialQuery query)
    {
        var rows = query.Apply(study);
        var pages = Math.Max(1, (rows.Count + query.PageSize - 1) / query.PageSize);
        var page = Math.Min(query.Page, pages - 1);
        var html = new Html();
        html.Raw("<p class=\"meta\" id=\"trial-count\" data-count=\"").Text(Format.Integer(rows.Count)).Raw("\">")
            .Text($"{rows.Count} of {study.Trials.Count} trials · page {page + 1} of {pages}").Raw("</p>");
        html.Raw("<table class=\"grid\" id=\"trial-table\"><thead><tr>");
        void Header(string key, string title)
        {
            var descending = query.Sort == key ? !query.Descending : key is "value" && study.Direction == StudyDirection.Maximize;
            var mark = query.Sort == key ? (query.Descending ? " ▼" : " ▲") : "";
            html.Raw("<th>").Link(Links.Study(study.Name) + "&" + query.ToQueryString(page: 0, sort: key, descending: descending), title + mark).Raw("</th>");
        }
        Header("number", "#");
        Header("state", "state");
        Header("value", "value");
        Header("duration", "duration");
        Header("started", "started (UTC)");
        foreach (var name in study.ParameterNames) Header(name, name);
        html.Raw("<th>steps</th><th>worker</th><th>error</th></tr></thead><tbody>");
        foreach (var t in rows.Skip(page * query.PageSize).Take(query.PageSize))
        {
            html.Raw("<tr class=\"trial-row\">").Raw("<td class=\"num\">").Link(Links.Trial(study.Name, t.Number), Format.Integer(t.Number)).Raw("</td>")
                .Element("td", StudyCharts.State(t.State), "class=\"" + StudyCharts.StateClass(t.State) + "\"")
                .Element("td", Format.Number(t.Value), "class=\"num\"")
                .Element("td", Format.Duration(Format.DurationOf(t)), "class=\"num\"")
                .Element("td", Format.Time(t.StartedAt));
            foreach (var name in study.ParameterNames) html.Element("td", Format.Value(t.Parameters.GetValueOrDefault(name)), "class=\"num\"");
            html.Element("td", Format.Integer(t.IntermediateValues.Count), "class=\"num\"")
                .Element("td", t.WorkerId)
                .Element("td", t.Error is { Length: > 80 } e ? e[..80] + "…" : t.Error, "class=\"error\"")
                .Raw("</tr>");
        }
        html.Raw("</tbody></table><nav class=\"pages\">");
        if (page > 0)
        {
            html.Link(Links.Study(study.Name) + "&" + query.ToQueryString(page: 0), "« first").Raw(" ")
                .Link(Links.Study(study.Name) + "&" + query.ToQueryString(page: page - 1), "‹ previous", "rel=\"prev\"").Raw(" ");
        }
        if (page < pages - 1)
        {
            html.Link(Links.Study(study.Name) + "&" + query.ToQueryString(page: page + 1), "next ›", "rel=\"next\"").Raw(" ")
                .Link(Links.Study(study.Name) + "&" + query.ToQueryString(page: pages - 1), "last »");
        }
        return html.Raw("</nav>").ToString();
    }

    /// <summary>The study's attributes: fusion results (<c>fusion:&lt;method&gt;</c>, JSON) as tables first, then the others.</summary>
    public static string Attributes(IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes.Count == 0) return "";
        var html = new Html();
        var fusion = attributes.Where(a => a.Key.StartsWith("fusion:", StringComparison.Ordinal)).ToList();
        if (fusion.Count > 0)
        {
            html.Raw("<h2>Fusion results</h2>");
            foreach (var (key, value) in fusion)
            {
                html.Element("h3", key["fusion:".Length..]).Raw("<div class=\"fusion\">").Raw(Json(value)).Raw("</div>");
            }
        }
        var others = attributes.Where(a => !a.Key.StartsWith("fusion:", StringComparison.Ordinal)).ToList();
        if (others.Count > 0)
        {
            html.Raw("<h2>Study attributes</h2><table class=\"grid kv\"><tbody>");
            foreach (var (key, value) in others) html.Raw("<tr>").Element("th", key).Raw("<td>").Raw(Json(value)).Raw("</td></tr>");
            html.Raw("</tbody></table>");
        }
        return html.ToString();
    }

    /// <summary>A JSON text as tables where it is objects or a list of objects; anything else as escaped text.</summary>
    internal static string Json(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return Element(document.RootElement, 0);
        }
        catch (JsonException)
        {
            return Html.Encode(text);
        }
    }

    private static string Element(JsonElement element, int depth)
    {
        var html = new Html();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when depth < 3:
                html.Raw("<table class=\"grid kv\"><tbody>");
                foreach (var p in element.EnumerateObject()) html.Raw("<tr>").Element("th", p.Name).Raw("<td>").Raw(Element(p.Value, depth + 1)).Raw("</td></tr>");
                return html.Raw("</tbody></table>").ToString();
            case JsonValueKind.Array when depth < 3 && element.GetArrayLength() > 0 && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object):
                var columns = element.EnumerateArray().SelectMany(e => e.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal).ToList();
                html.Raw("<table class=\"grid\"><thead><tr>");
                foreach (var c in columns) html.Element("th", c);
                html.Raw("</tr></thead><tbody>");
                foreach (var row in element.EnumerateArray())
                {
                    html.Raw("<tr>");
                    foreach (var c in columns) html.Raw("<td>").Raw(row.TryGetProperty(c, out var cell) ? Element(cell, depth + 1) : "").Raw("</td>");
                    html.Raw("</tr>");
                }
                return html.Raw("</tbody></table>").ToString();
            case JsonValueKind.String:
                return Html.Encode(element.GetString());
            case JsonValueKind.Number:
                return Html.Encode(element.TryGetDouble(out var d) ? Format.Number(d) : element.GetRawText());
            default:
                return Html.Encode(element.GetRawText());
        }
    }
}
