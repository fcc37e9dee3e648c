using System.Net.Http.Json;
using System.Text.Json;
using Dsl.CommandLine;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>The sweep command line's <c>dashboard</c>: it serves the store read-only until cancelled, and rejects bad options as usage errors.</summary>
public sealed class DashboardCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("--port 70000", "--port")]
    [InlineData("--port -1", "--port")]
    [InlineData("--storage postgres-typo://db", "--storage")]
    public async Task Invalid_options_are_usage_errors(string args, string mentioned)
    {
        var (code, error) = await RunToEndAsync(["dashboard", .. args.Split(' ')]);
        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        Assert.Contains(mentioned, error);
    }

    [Fact]
    public async Task A_missing_study_file_is_a_usage_error_and_is_not_created()
    {
        var missing = folder.File("missing.db");
        var (code, error) = await RunToEndAsync(["dashboard", "--storage", missing]);
        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        Assert.Contains("does not exist", error);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Dashboard_serves_the_store_read_only_until_cancelled()
    {
        var db = folder.File("served.db");
        await using (var storage = StudyStorage.Sqlite(db))
        {
            await storage.CreateOrOpenStudyAsync(new StudyDefinition("served", StudyDirection.Minimize));
            var claim = await storage.ClaimTrialAsync("served", "w", (_, _) => new Dictionary<string, object> { ["x"] = 1.0 });
            await storage.FinishTrialAsync("served", claim.Number, TrialResult.Complete(0.5));
        }
        var written = File.GetLastWriteTimeUtc(db);
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = SweepCommandLine.RunAsync<SweepNet, SweepNet.Hyperparameters, TinyTraining>(
            SweepKit.Definition(), ["dashboard", "--storage", db, "--port", "0"], () => SweepKit.Data(), output, error, stop.Token);

        var address = await OpenAddressAsync(output, run);
        using var client = new HttpClient();
        var studies = await client.GetFromJsonAsync<JsonElement>(new Uri(address, "/api/studies"));
        Assert.Equal("served", studies[0].GetProperty("name").GetString());
        Assert.Equal(1, studies[0].GetProperty("trials").GetInt32());

        await stop.CancelAsync();
        Assert.Equal(0, await run);
        Assert.Equal("", error.ToString());
        Assert.Equal(written, File.GetLastWriteTimeUtc(db));
    }

    /// <summary>The address the command printed on its "Open:" line, once it has.</summary>
    private static async Task<Uri> OpenAddressAsync(StringWriter output, Task<int> run)
    {
        for (var i = 0; i < 300 && !run.IsCompleted; i++)
        {
            var line = output.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("Open: ", StringComparison.Ordinal));
            if (line is not null) return new Uri(line["Open: ".Length..].Trim());
            await Task.Delay(100);
        }
        Assert.Fail("the dashboard printed no address: " + output);
        return null!;
    }

    private static async Task<(int Code, string Error)> RunToEndAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SweepCommandLine.RunAsync<SweepNet, SweepNet.Hyperparameters, TinyTraining>(
            SweepKit.Definition(), args, () => SweepKit.Data(), output, error);
        return (code, error.ToString());
    }
}
