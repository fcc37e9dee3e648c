namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>One fenced code block of a Markdown file: its info string, its text and the file line of its first text line.</summary>
internal sealed record MarkdownCodeBlock(string Language, string Text, int FirstLine);

/// <summary>Reads the fenced (<c>```</c>) code blocks of a Markdown file.</summary>
internal static class MarkdownCodeBlocks
{
    public static IReadOnlyList<MarkdownCodeBlock> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var blocks = new List<MarkdownCodeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
                continue;
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
                end++;
            if (end == lines.Length)
                throw new InvalidOperationException($"{path}({i + 1}): the code block opened here is never closed.");
            blocks.Add(new MarkdownCodeBlock(fence[3..].Trim(), string.Join("\n", lines[start..end]), FirstLine: start + 1));
            i = end;
        }
        return blocks;
    }
}
