using System.Text;
using System.Text.Encodings.Web;

namespace Dsl.Dashboard.Pages;

/// <summary>Builds HTML (and SVG) text in which everything that comes from a study is escaped, and only markup written here is not.</summary>
internal sealed class Html
{
    private readonly StringBuilder text = new();

    /// <summary>Escapes <paramref name="value"/> for element content and quoted attribute values alike.</summary>
    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <summary>Appends markup written by the dashboard itself; never pass text from a store.</summary>
    public Html Raw(string markup)
    {
        text.Append(markup);
        return this;
    }

    /// <summary>Appends text, escaped.</summary>
    public Html Text(string? value)
    {
        text.Append(Encode(value));
        return this;
    }

    /// <summary>Appends <c>&lt;tag attrs&gt;text&lt;/tag&gt;</c> with the text escaped; <paramref name="attributes"/> are the dashboard's own.</summary>
    public Html Element(string tag, string? value, string attributes = "")
    {
        text.Append('<').Append(tag);
        if (attributes.Length > 0) text.Append(' ').Append(attributes);
        text.Append('>').Append(Encode(value)).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Appends a link whose address and text are both escaped.</summary>
    public Html Link(string href, string? value, string attributes = "")
    {
        text.Append("<a href=\"").Append(Encode(href)).Append('"');
        if (attributes.Length > 0) text.Append(' ').Append(attributes);
        text.Append('>').Append(Encode(value)).Append("</a>");
        return this;
    }

    public override string ToString() => text.ToString();
}
