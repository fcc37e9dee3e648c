using System;
using System.Text;

namespace Dsl.Generator.Helpers;

/// <summary>Builds indented C# text; generated files read as if written by hand.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder builder = new();
    private int indentation;

    public SourceWriter Line(string text = "")
    {
        if (text.Length == 0)
        {
            builder.Append('\n');
            return this;
        }
        builder.Append(' ', indentation * 4).Append(text).Append('\n');
        return this;
    }

    public SourceWriter OpenBlock(string header)
    {
        Line(header);
        Line("{");
        indentation++;
        return this;
    }

    public SourceWriter CloseBlock(string suffix = "")
    {
        indentation--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>Writes a one-line XML summary; the text is escaped.</summary>
    public SourceWriter Summary(string text) =>
        Line("/// <summary>" + text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;") + "</summary>");

    public override string ToString() => builder.ToString();
}
