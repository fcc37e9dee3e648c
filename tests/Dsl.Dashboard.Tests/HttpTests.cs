using System.Net;
using Dsl.Studies;

namespace Dsl.Dashboard.Tests;

/// <summary>The dashboard over plain HTTP: every page and fragment, escaping, read-only, and the JSON API.</summary>
public sealed class HttpTests
{
    private static string S(string study) => Uri.EscapeDataString(study);

    [Fact]
    public async Task Every_page_fragment_and_chart_answers_with_html()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("pages");
        var paths = new List<string> { "/", "/studies/table", "/study?s=demo", "/study/table?s=demo&sort=value&desc=1&state=Complete",
            "/study/fusion?s=demo", "/trial?s=demo&n=0", "/trial/body?s=demo&n=5", "/assets/dashboard.css", "/assets/dashboard.js" };
        paths.AddRange(new[] { "history", "curves", "parallel", "slices", "importance", "timeline" }.Select(k => "/study/chart?s=demo&kind=" + k));
        foreach (var path in paths)
        {
            var (status, body) = await server.GetAsync(path);
            Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {body}");
            Assert.NotEmpty(body);
        }
        foreach (var kind in new[] { "history", "curves", "parallel", "slices", "importance", "timeline" })
            Assert.Contains("<svg", (await server.GetAsync("/study/chart?s=demo&kind=" + kind)).Body);
    }

    [Fact]
    public async Task Study_names_parameters_and_errors_are_escaped_everywhere()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("escaping");
        var hostile = S(TestStudies.Hostile);
        var demoFailed = (await server.Storage.GetTrialsAsync(TestStudies.Demo)).First(t => t.State == Search.Trials.TrialState.Failed).Number;
        var paths = new[]
        {
            "/", "/studies/table", "/study?s=" + hostile, "/study/table?s=" + hostile, "/trial?s=" + hostile + "&n=0",
            "/trial/body?s=" + hostile + "&n=0", "/study?s=demo", "/study/table?s=demo&state=Failed", "/trial?s=demo&n=" + demoFailed,
            "/study/fusion?s=demo", "/study/chart?s=" + hostile + "&kind=timeline", "/study/chart?s=demo&kind=parallel",
        };
        foreach (var path in paths)
        {
            var (status, body) = await server.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("<script>alert", body);
            Assert.DoesNotContain("<img src=x", body);
            Assert.DoesNotContain("<b>", body);
        }
        Assert.Contains("&lt;script&gt;alert(", (await server.GetAsync("/studies/table")).Body);
        Assert.Contains("&lt;script&gt;alert(", (await server.GetAsync("/trial?s=demo&n=" + demoFailed)).Body);
        Assert.Contains("&lt;img src=x", (await server.GetAsync("/study?s=" + hostile)).Body);
    }

    [Fact]
    public async Task Every_request_that_is_not_a_read_is_refused()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("readonly");
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            using var response = await server.Client.SendAsync(new HttpRequestMessage(method, "/study?s=demo"));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }
    }

    [Fact]
    public async Task Pages_forbid_inline_scripts_and_framing()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("headers");
        using var response = await server.Client.GetAsync("/study?s=demo");
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task The_trial_table_pages_sorts_and_filters_on_the_server()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("table");
        var all = await server.Storage.GetTrialsAsync(TestStudies.Demo);
        var page = (await server.GetAsync("/study/table?s=demo&size=5&page=1")).Body;
        Assert.Equal(5, Rows(page));
        Assert.Contains($"data-count=\"{all.Count}\"", page);
        var complete = all.Count(t => t.State == Search.Trials.TrialState.Complete);
        Assert.Contains($"data-count=\"{complete}\"", (await server.GetAsync("/study/table?s=demo&state=Complete&size=1000")).Body);
        var sgd = all.Count(t => (string)t.Parameters["optimizer"] == "sgd");
        Assert.Equal(sgd, Rows((await server.GetAsync("/study/table?s=demo&param=optimizer&match=sgd&size=1000")).Body));
        var small = all.Count(t => Convert.ToDouble(t.Parameters["lr"], System.Globalization.CultureInfo.InvariantCulture) <= 0.001);
        Assert.Equal(small, Rows((await server.GetAsync("/study/table?s=demo&param=lr&max=0.001&size=1000")).Body));

        var json = System.Text.Json.JsonDocument.Parse((await server.GetAsync("/api/trials?s=demo&sort=value&size=3")).Body).RootElement;
        var values = json.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("value").GetDouble()).ToList();
        Assert.Equal(values.Order().ToList(), values);
        Assert.Equal(all.Count, json.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_api_lists_studies_and_the_revision_moves_when_a_trial_finishes()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("revision");
        var studies = System.Text.Json.JsonDocument.Parse((await server.GetAsync("/api/studies")).Body).RootElement;
        Assert.Equal(2, studies.GetArrayLength());
        var before = (await server.GetAsync("/api/revision?s=demo")).Body;
        await using (var writer = StudyStorage.Sqlite(server.DatabaseFile))
        {
            var running = (await writer.GetTrialsAsync(TestStudies.Demo)).Single(t => t.State == Search.Trials.TrialState.Running).Number;
            await writer.ReportIntermediateValueAsync(TestStudies.Demo, running, 1, 0.8);
        }
        await Task.Delay(600);
        var after = (await server.GetAsync("/api/revision?s=demo")).Body;
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task Unknown_studies_and_trials_are_not_found()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("missing");
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/study?s=nope")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/trial?s=demo&n=999")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/study/chart?s=demo&kind=../../x")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/assets/..%2FDsl.Dashboard.dll")).Status);
    }

    internal static int Rows(string html) => html.Split("class=\"trial-row\"").Length - 1;

    [Fact]
    public async Task Malformed_confusion_matrices_show_nothing_instead_of_failing_the_page()
    {
        var folder = TestStudies.NewFolder("malformed");
        var runs = Path.Combine(folder, "runs");
        var checkpoint = TestStudies.WriteCheckpoint(runs, TestStudies.Demo, 0);
        File.WriteAllText(Dsl.Checkpoints.Checkpoint.MetadataPath(checkpoint),
            """{"format":"dsl-checkpoint","training":{"history":[{"epoch":1,"validation":{"classes":2,"confusion":[1.5,1,1,1]}}]}}""");
        var file = Path.Combine(folder, "studies.db");
        await using (var writer = StudyStorage.Sqlite(file))
        {
            await writer.CreateOrOpenStudyAsync(new StudyDefinition(TestStudies.Demo, Search.Trials.StudyDirection.Minimize));
            foreach (var attributes in new[]
                     {
                         new Dictionary<string, string> { ["checkpoint"] = checkpoint },
                         new Dictionary<string, string> { ["confusion_matrix"] = "[null]" },
                     })
            {
                var number = await TestStudies.AddAsync(writer, TestStudies.Demo, "w", 0);
                await writer.FinishTrialAsync(TestStudies.Demo, number, TrialResult.Complete(1) with { Attributes = attributes });
            }
        }
        await using var server = await DashboardServer.StartAsync(StudyStorage.Open(file, readOnly: true), folder);

        foreach (var path in new[] { "/trial?s=demo&n=0", "/trial/body?s=demo&n=0", "/trial?s=demo&n=1", "/trial/body?s=demo&n=1" })
        {
            var (status, body) = await server.GetAsync(path);
            Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {body}");
        }
    }
}
