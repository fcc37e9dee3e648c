using Dsl.Generator.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>
/// Every descriptor links to its own page under docs/diagnostics, every page belongs to a descriptor, and each page's
/// example really triggers its diagnostic with the message the page shows.
/// </summary>
public partial class DiagnosticDocsTests
{
    private static readonly string[] Sections = ["## What it means", "## Example", "## How to fix"];

    /// <summary>Every descriptor the catalog declares, found by reflection so one missing from the list still counts.</summary>
    private static List<DiagnosticDescriptor> Declared() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();

    private static IEnumerable<string> PageIds() =>
        Directory.EnumerateFiles(RepositoryPaths.DiagnosticDocs, "DSL*.md").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static TheoryData<string> Pages() => new(PageIds());

    [Fact]
    public void CatalogListsEveryDeclaredDescriptor() =>
        Assert.Equal(Declared().Select(d => d.Id).Order(), DiagnosticDescriptors.All.Select(d => d.Id).Order());

    [Fact]
    public void EveryDescriptorLinksToItsOwnPage()
    {
        Assert.All(Declared(), d =>
        {
            Assert.Equal("https://github.com/dsl-project/Dsl/blob/main/docs/diagnostics/" + d.Id + ".md", d.HelpLinkUri);
            var page = Path.Combine(RepositoryPaths.DiagnosticDocs, d.HelpLinkUri.Substring(d.HelpLinkUri.LastIndexOf('/') + 1));
            Assert.True(File.Exists(page), d.Id + " links to " + d.HelpLinkUri + ", but " + page + " does not exist");
        });
    }

    [Fact]
    public void EveryPageBelongsToADescriptor()
    {
        var ids = Declared().Select(d => d.Id).ToHashSet();
        Assert.All(PageIds(), id => Assert.True(ids.Contains(id), "docs/diagnostics/" + id + ".md documents no descriptor of the catalog"));
        var others = Directory.EnumerateFiles(RepositoryPaths.DiagnosticDocs).Select(Path.GetFileName).Where(n => !n!.StartsWith("DSL", StringComparison.Ordinal));
        Assert.Equal(["README.md"], others);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void PageHasTheTitleAndSectionsInOrder(string id)
    {
        var descriptor = DiagnosticDescriptors.ById(id);
        var headings = Headings(File.ReadAllLines(PagePath(id)));
        Assert.Equal(["# " + id + ": " + descriptor.Title, .. Sections], headings);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void ExampleTriggersItsDiagnosticWithTheMessageShown(string id)
    {
        var page = File.ReadAllText(PagePath(id)).Replace("\r\n", "\n");
        var example = page.Substring(page.IndexOf("\n## Example\n", StringComparison.Ordinal));
        example = example.Substring(0, example.IndexOf("\n## How to fix\n", StringComparison.Ordinal));
        var code = Fenced().Match(example) is { Success: true } c && c.Groups["lang"].Value == "csharp" ? c.Groups["body"].Value : null;
        Assert.True(code is not null, id + ": the Example section must start with a ```csharp block");
        // As the compiler prints it: "error DSLnnnn: ..." or, for a warning, "warning DSLnnnn: ...".
        var severity = DiagnosticDescriptors.ById(id).DefaultSeverity == DiagnosticSeverity.Warning ? "warning " : "error ";
        var shown = Fenced().Matches(example).Select(m => m.Groups["body"].Value.Trim()).LastOrDefault(b => b.StartsWith(severity + id + ": ", StringComparison.Ordinal));
        Assert.True(shown is not null, id + ": the Example section must show the message as '" + severity + id + ": ...' in a fenced block");

        var output = GeneratorHarness.Run(code!);
        var reported = Assert.Single(output.GeneratorDiagnostics);
        var actual = severity + reported.Id + ": " + reported.GetMessage(CultureInfo.InvariantCulture);
        // A page may cut a long message with "...", such as the list of every training option, which grows over time.
        var matches = shown!.EndsWith("...", StringComparison.Ordinal) ? actual.StartsWith(shown[..^3], StringComparison.Ordinal) : shown == actual;
        Assert.True(matches, id + ": the page shows\n" + shown + "\nbut its example gives\n" + actual);
    }

    [Fact]
    public void ReadmeTablesEveryDescriptor()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.DiagnosticDocs, "README.md"));
        var rows = Regex.Matches(readme, @"^\| \[(DSL\d{4})\]\(\1\.md\) \| (.+?) \| (\w+) \|$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => (Title: m.Groups[2].Value, Severity: m.Groups[3].Value));
        Assert.Equal(Declared().Select(d => d.Id).Order(), rows.Keys.Order());
        Assert.All(Declared(), d => Assert.Equal((d.Title.ToString(CultureInfo.InvariantCulture), d.DefaultSeverity.ToString()), rows[d.Id]));
    }

    private static string PagePath(string id) => Path.Combine(RepositoryPaths.DiagnosticDocs, id + ".md");

    /// <summary>The Markdown headings of a page, ignoring lines inside fenced blocks.</summary>
    private static List<string> Headings(IEnumerable<string> lines)
    {
        var headings = new List<string>();
        var fenced = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            else if (!fenced && line.StartsWith('#')) headings.Add(line.TrimEnd());
        }
        return headings;
    }

    [GeneratedRegex(@"^```(?<lang>\w*)\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fenced();
}
