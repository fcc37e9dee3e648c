namespace Dsl.Dashboard.Pages;

/// <summary>The frame every page shares: styles, the live-update script, the breadcrumb.</summary>
internal static class Layout
{
    /// <param name="title">The page's title, escaped here.</param>
    /// <param name="crumbs">Links above the title, (address, text), escaped here.</param>
    /// <param name="body">The page's own markup, already escaped where it holds store text.</param>
    /// <param name="revisionUrl">What the page polls to learn that its data changed; null for a page that never changes.</param>
    /// <param name="revision">The revision the page was rendered at.</param>
    /// <param name="pollMilliseconds">How often to poll.</param>
    public static string Page(string title, IEnumerable<(string Href, string Text)> crumbs, string body, string? revisionUrl, string? revision, int pollMilliseconds)
    {
        var html = new Html();
        html.Raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Element("title", title + " · Dsl dashboard")
            .Raw("<link rel=\"icon\" href=\"data:,\">")
            .Raw("<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">")
            .Raw("<script src=\"/assets/dashboard.js\" defer></script></head>");
        html.Raw("<body");
        if (revisionUrl is not null)
        {
            html.Raw(" data-revision-url=\"").Text(revisionUrl).Raw("\" data-revision=\"").Text(revision)
                .Raw("\" data-poll=\"").Text(pollMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw("\"");
        }
        html.Raw("><header><nav>");
        html.Link(Links.Studies, "Dsl dashboard", "class=\"brand\"");
        foreach (var (href, text) in crumbs) html.Raw(" <span class=\"sep\">/</span> ").Link(href, text);
        html.Raw("</nav><span id=\"live\" class=\"live\" title=\"updates without reload\"></span></header><main>");
        html.Element("h1", title);
        html.Raw(body);
        html.Raw("</main></body></html>");
        return html.ToString();
    }
}
