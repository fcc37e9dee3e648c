using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dsl.Search.Trials;
using Dsl.Studies;
using Xunit.Abstractions;

namespace Dsl.Dashboard.Tests;

/// <summary>
/// Page and API times over a study of 10,000 trials, printed (times are compared in bench/RESULTS.md, never asserted; the
/// tests fail only when a page does not answer). The default test serves prebuilt records, so it measures the dashboard
/// itself in a few seconds; the SQLite one, which also measures the store's reads, runs when DSL_DASHBOARD_BENCH=1,
/// because writing 10,000 trials through the store API takes minutes (the file is kept in the test output folder).
/// </summary>
public sealed class LargeStudyBench(ITestOutputHelper output)
{
    private const int Trials = 10_000;
    private const string Study = "large";

    [Fact]
    public async Task Every_page_answers_with_ten_thousand_trials_and_its_times_are_printed()
    {
        var folder = TestStudies.NewFolder("large-fixed");
        await using var server = await DashboardServer.StartAsync(FixedStudyStorage.Large(Study, Trials), folder);
        await MeasureAsync(server, "prebuilt records", warmRuns: 1);
    }

    [SqliteBenchFact]
    public async Task Every_page_answers_with_ten_thousand_trials_in_sqlite_and_its_times_are_printed()
    {
        var file = await LargeStoreAsync();
        await using var server = await DashboardServer.StartAsync(StudyStorage.Open(file, readOnly: true), Path.GetDirectoryName(file)!);
        await MeasureAsync(server, "SQLite, read-only", warmRuns: 3);
    }

    private async Task MeasureAsync(DashboardServer server, string store, int warmRuns)
    {
        var paths = new List<string>
        {
            "/", "/studies/table", "/api/studies", "/study?s=large", "/study/table?s=large&page=150", "/study/table?s=large&sort=value&desc=1",
            "/study/table?s=large&state=Pruned&param=lr&max=0.01&sort=lr", "/api/trials?s=large&page=10&size=100", "/api/revision?s=large",
            "/trial?s=large&n=5000", "/api/trial?s=large&n=9999",
        };
        paths.AddRange(new[] { "history", "curves", "parallel", "slices", "importance", "timeline" }.Select(k => "/study/chart?s=large&kind=" + k));

        output.WriteLine($"{Trials} trials, {store}; cold = first request after start (store read, charts drawn), warm = best of {warmRuns} later ones");
        output.WriteLine($"{"request",-60} {"cold ms",8} {"warm ms",8} {"KiB",7}");
        foreach (var path in paths)
        {
            var (cold, size) = await TimeAsync(server, path);
            var warm = double.MaxValue;
            for (var i = 0; i < warmRuns; i++)
            {
                // Past the reader's sharing window, so every warm request reads the store again; only charts stay cached.
                await Task.Delay(550);
                warm = Math.Min(warm, (await TimeAsync(server, path)).Milliseconds);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path,-60} {cold,8:0} {warm,8:0} {size / 1024.0,7:0.0}"));
        }
    }

    private static async Task<(double Milliseconds, long Size)> TimeAsync(DashboardServer server, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await server.Client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = watch.Elapsed.TotalMilliseconds;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (elapsed, body.LongLength);
    }

    /// <summary>The 10,000-trial store, written through the store API on first use (about a minute) and kept for later runs.</summary>
    private static async Task<string> LargeStoreAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "work", "large-study");
        var file = Path.Combine(folder, "large.db");
        var done = file + ".complete";
        if (File.Exists(done)) return file;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        await using var storage = StudyStorage.Sqlite(file);
        await storage.CreateOrOpenStudyAsync(new StudyDefinition(Study, StudyDirection.Minimize));
        var random = new Random(1);
        for (var i = 0; i < Trials; i++)
        {
            var number = await TestStudies.AddAsync(storage, Study, "worker-" + (i % 4), i);
            var value = random.NextDouble();
            await storage.ReportIntermediateValueAsync(Study, number, 0, value + 0.5);
            var result = i % 10 == 9 ? TrialResult.Pruned() : i % 50 == 7 ? TrialResult.Failed("diverged") : TrialResult.Complete(value);
            await storage.FinishTrialAsync(Study, number, result);
        }
        await File.WriteAllTextAsync(done, "");
        return file;
    }
}

/// <summary>The SQLite bench: run with DSL_DASHBOARD_BENCH=1.</summary>
public sealed class SqliteBenchFactAttribute : FactAttribute
{
    public SqliteBenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DSL_DASHBOARD_BENCH") != "1")
            Skip = "writing 10,000 trials to SQLite takes minutes; set DSL_DASHBOARD_BENCH=1 to run this bench";
    }
}
