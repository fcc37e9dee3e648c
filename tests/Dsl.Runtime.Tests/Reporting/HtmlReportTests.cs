using System.Diagnostics;
using System.Text.RegularExpressions;
using Dsl.Reporting;
using Dsl.Search;
using Dsl.Search.Trials;
using static Dsl.Runtime.Tests.Reporting.ReportTestKit;

namespace Dsl.Runtime.Tests.Reporting;

/// <summary>The HTML page written beside the Markdown one: the same content, figures inline, offline, escaped.</summary>
public sealed partial class HtmlReportTests(ExampleReport example) : IClassFixture<ExampleReport>
{
    private const string Injection = "<script>alert('x')</script>";

    [Fact]
    public void Example_writes_report_html_beside_the_markdown()
    {
        Assert.Equal(Path.Combine(example.Folder, SweepReport.HtmlFileName), example.Files.Html);
        Assert.True(File.Exists(example.Files.Html));
        var html = File.ReadAllText(example.Files.Html);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>Sweep report: fashion-lr</title>", html);
        Assert.EndsWith("</html>\n", html);
    }

    [Fact]
    public void Every_figure_of_the_markdown_is_inline_svg_with_tooltips()
    {
        var html = File.ReadAllText(example.Files.Html);

        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain(".png", html);
        // Importance, history, parallel and learning curves are one SVG each; the slices one per parameter.
        Assert.Equal(4 + Space.Count, Regex.Count(html, "<svg[ >]"));
        Assert.Equal(Regex.Count(html, "<svg[ >]"), Regex.Count(html, "</svg>"));
        Assert.DoesNotContain("<?xml", html);
        foreach (var heading in new[] { "Parameter importance", "Optimisation history", "Slices", "Parallel coordinates", "Learning curves" })
            Assert.Contains($"<h2>{heading}</h2>", html);
        Assert.Contains("<p>Share of the variance in the final <code>val_loss</code> of the complete trials that each parameter", html);
        Assert.DoesNotContain("`", html);

        var best = example.Trials.Where(t => t.State == TrialState.Complete).MinBy(t => t.Value!.Value)!;
        Assert.Contains($"<title>trial {best.Number}\nval_loss = ", html);
        Assert.Contains($"<title>trial 8 (pruned)", html);
        // Four slice panels sit in a 2 × 2 grid, as on the PNG.
        Assert.Contains("class=\"panels\" style=\"grid-template-columns:repeat(2,1fr)\"", html);
    }

    [Fact]
    public void Every_section_heading_of_the_markdown_is_on_the_html_page()
    {
        var headings = example.Page.Split('\n').Where(line => line.StartsWith("## ", StringComparison.Ordinal)).Select(line => line[3..]).ToList();
        var html = File.ReadAllText(example.Files.Html);

        Assert.NotEmpty(headings);
        foreach (var heading in headings)
            Assert.Contains($"<h2>{heading}</h2>", html);
    }

    [Fact]
    public void The_page_loads_nothing_from_the_network()
    {
        var html = File.ReadAllText(example.Files.Html);

        // Embedded images (ScottPlot draws the colour bar as a bitmap) are data URIs, and the SVGs refer to their own
        // elements by id; nothing else may be referenced.
        var targets = Regex.Matches(html, @"(?i)\b(src|href)\s*=\s*[""']?([^""'\s>]*)").Select(m => m.Groups[2].Value).ToList();
        Assert.All(targets, target => Assert.True(target.StartsWith("data:", StringComparison.Ordinal) || target.StartsWith('#'), target));
        var ids = Regex.Matches(html, @"\bid=""([^""]*)""").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(targets.Where(t => t.StartsWith('#')), target => Assert.Contains(target[1..], ids));
        Assert.DoesNotMatch(@"(?i)<link\b", html);
        Assert.DoesNotMatch(@"(?i)@import|@font-face|url\(\s*[""']?(?!#)", html);
        Assert.DoesNotMatch(@"(?i)<script[^>]*\bsrc\b", html);
        // The only URLs are the SVG namespace names, which browsers never fetch.
        Assert.All(Regex.Matches(html, @"(?i)https?://[^\s""'<>]*").Select(m => m.Value),
            url => Assert.StartsWith("http://www.w3.org/", url));
    }

    [Fact]
    public void The_trial_table_has_one_row_per_trial_and_sortable_headers()
    {
        var html = File.ReadAllText(example.Files.Html);

        var rows = TrialRows(html);
        Assert.Equal(example.Trials.Count, rows.Count);
        Assert.Equal(example.Trials.Select(t => t.Number), rows.Select(r => int.Parse(Regex.Match(r, @"<td class=""num"" data-sort=""(\d+)""").Groups[1].Value)));
        Assert.Contains("class=\"sortable\" id=\"trials\"", html);
        Assert.Contains("addEventListener('click'", html);
        var failed = Assert.Single(rows, r => r.StartsWith("<tr class=\"failed\">", StringComparison.Ordinal));
        Assert.Contains("Loss diverged to NaN at epoch 3", failed);
    }

    [Fact]
    public void Script_in_a_study_name_a_parameter_and_an_error_is_escaped()
    {
        using var folder = new TempReportFolder();
        var trials = Study(12).Select(t => t with
        {
            Parameters = t.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value is "adam" ? (object)Injection : kv.Value),
            Error = t.State == TrialState.Failed ? Injection + "\nat <b>Fit</b>" : null,
        }).ToList();
        var space = new SearchSpace(Space.Select(p => p is CategoricalParameter c ? c with { Choices = ["sgd", Injection] } : p));

        var files = SweepReport.Write(folder.Path, Injection, trials, space, StudyDirection.Minimize, "<i>loss</i>");
        var html = File.ReadAllText(files.Html);

        // Our own sorting script is the page's only script element.
        Assert.Equal(1, Regex.Count(html, "<script"));
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("<i>loss", html);
        Assert.DoesNotContain("<b>Fit", html);
        Assert.Contains("<h1>Sweep report: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>", html);
        Assert.Contains("<td class=\"error\" title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\nat &lt;b&gt;Fit&lt;/b&gt;\">", html);
        Assert.Contains("<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>", html);
        Assert.Equal(trials.Count, TrialRows(html).Count);
    }

    [Fact]
    public void Long_learning_curves_get_one_tooltip_per_trial_instead_of_one_per_step()
    {
        using var folder = new TempReportFolder();
        var trials = Study(10).Select(t => t with
        {
            IntermediateValues = t.State == TrialState.Failed ? t.IntermediateValues : Enumerable.Range(1, 400).ToDictionary(step => step, step => 1.0 / step),
        }).ToList();
        var curves = trials.Count(t => t.State != TrialState.Failed);

        var files = SweepReport.Write(folder.Path, "long", trials, Space, StudyDirection.Minimize);
        var html = File.ReadAllText(files.Html);

        Assert.Equal(curves, Regex.Count(html, @"<title>trial \d+( \(pruned\))?, step 400\n"));
        Assert.Equal(curves, Regex.Count(html, @"<title>trial \d+( \(pruned\))?, step \d+\n"));
    }

    [Theory]
    [MemberData(nameof(SweepReportTests.EdgeCases), MemberType = typeof(SweepReportTests))]
    public void Edge_cases_write_a_page_with_a_row_per_trial_and_an_svg_per_figure(string name)
    {
        using var folder = new TempReportFolder();
        var (trials, space) = SweepReportTests.EdgeCase(name);

        var files = SweepReport.Write(folder.Path, name, trials, space, StudyDirection.Minimize);
        var html = File.ReadAllText(files.Html);

        Assert.Equal(trials.Count, trials.Count == 0 ? 0 : TrialRows(html).Count);
        var figures = files.Images.Count() - (files.Slices is null ? 0 : 1);
        Assert.True(Regex.Count(html, "<svg[ >]") >= figures, $"{files.Images.Count()} figures but fewer SVG elements.");
        Assert.Equal(files.Notes.Count, Regex.Matches(html, "<ul class=\"notes\">(.*?)</ul>", RegexOptions.Singleline)
            .SelectMany(m => Regex.Matches(m.Groups[1].Value, "<li>")).Count());
    }

    [ChromiumFact]
    public void Headless_chromium_renders_the_page_and_runs_its_script()
    {
        var (dom, log) = Chromium.DumpDom(example.Files.Html);

        Assert.Equal(example.Trials.Count, TrialRows(dom).Count);
        Assert.Equal(4 + Space.Count, Regex.Count(dom, "<svg[ >]"));
        // The sorting script ran: it makes every header focusable.
        Assert.Contains("<th class=\"num\" tabindex=\"0\">trial</th>", dom);
        Assert.DoesNotContain("Uncaught", log);
    }

    [ChromiumFact]
    public void Clicking_the_value_header_sorts_the_trials_by_value_with_valueless_trials_last()
    {
        // A copy of the page that clicks the header as a user would, and writes the resulting row order into the DOM.
        using var folder = new TempReportFolder();
        Directory.CreateDirectory(folder.Path);
        var page = Path.Combine(folder.Path, "clicked.html");
        const string click = """
            <script>
            var table = document.getElementById('trials'), order = [];
            var header = table.tHead.rows[0].cells[2];
            function numbers() { return Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[0].textContent; }).join(','); }
            header.click(); order.push(numbers());
            header.click(); order.push(numbers());
            document.body.setAttribute('data-order', order.join(';'));
            </script>
            """;
        File.WriteAllText(page, File.ReadAllText(example.Files.Html).Replace("</body>", click + "</body>", StringComparison.Ordinal));

        var (dom, log) = Chromium.DumpDom(page);

        var order = Regex.Match(dom, @"data-order=""([^""]*)""");
        Assert.True(order.Success, "The click script did not run: " + log);
        var withValue = example.Trials.Where(t => t.Value is not null).ToList();
        var without = example.Trials.Where(t => t.Value is null).Select(t => t.Number).ToList();
        var ascending = withValue.OrderBy(t => t.Value).Select(t => t.Number).Concat(without);
        var descending = withValue.OrderByDescending(t => t.Value).Select(t => t.Number).Concat(without);
        Assert.Equal(string.Join(',', ascending) + ";" + string.Join(',', descending), order.Groups[1].Value);
        Assert.Contains("aria-sort=\"descending\"", dom);
    }

    private static List<string> TrialRows(string html)
    {
        var table = Regex.Match(html, @"<table class=""sortable"" id=""trials"">.*?<tbody>(.*?)</tbody>", RegexOptions.Singleline);
        Assert.True(table.Success, "The page has no trial table.");
        return Regex.Matches(table.Groups[1].Value, @"<tr\b.*?</tr>", RegexOptions.Singleline).Select(m => m.Value).ToList();
    }
}

/// <summary>Debian's headless Chromium, loading a page from disk.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>The DOM after the page's scripts ran, and the browser's log (console errors included).</summary>
    public static (string Dom, string Log) DumpDom(string file)
    {
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--dump-dom", new Uri(file).AbsoluteUri })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var log = process.StandardError.ReadToEndAsync();
        var dom = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within a minute");
        }
        return (dom, log.Result);
    }
}

/// <summary>A fact that is skipped, not failed, where Debian's chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium.Path)) Skip = $"{Chromium.Path} is not installed (apt-get install chromium; CI installs it).";
    }
}
