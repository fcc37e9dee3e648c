using System.Text.Json;
using Dsl.Checkpoints;
using Dsl.CommandLine;
using Dsl.Runtime.Tests.Datasets;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;

namespace Dsl.Runtime.Tests.Studies.PostgreSql;

/// <summary>Sweep workers sharing a study on a PostgreSQL server and a checkpoint folder; the read commands and copy-study on its URL.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class PostgreSqlSweepCommandLineTests(PostgreSqlFixture fixture) : IClassFixture<PostgreSqlFixture>, IDisposable
{
    private readonly TempFolder folder = new();
    private readonly IdxTestFiles files = new();

    public void Dispose()
    {
        folder.Dispose();
        files.Dispose();
    }

    [PostgreSqlFact]
    public async Task Two_workers_share_one_study_and_its_checkpoints_and_any_machine_reads_it()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        var shared = folder.File("shared-checkpoints");

        // Two workers, each with its own output folder (as on two machines), one study, one shared checkpoint folder.
        var workers = await Task.WhenAll(new[] { "a", "b" }.Select(w => RunAsync(
            ["sweep", "--storage", url, "--trials", "5", "--epochs", "1", "--sampler", "random", "--seed", w == "a" ? "1" : "2",
             "--output", folder.File("machine-" + w), "--artifacts", shared, "--keep-checkpoints", "all"])));
        Assert.All(workers, w => Assert.True(w.Code == 0, w.Error));
        Assert.All(workers, w => Assert.DoesNotContain(fixture.Server.Password, w.Output + w.Error));

        await using var store = StudyStorage.Open(url, readOnly: true);
        var trials = await store.GetTrialsAsync("TinySweep");
        Assert.Equal(5, trials.Count); // --trials is the study's total, not each worker's
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(2, trials.Select(t => t.WorkerId).Distinct().Count());
        Assert.All(trials, t => Assert.StartsWith(shared + Path.DirectorySeparatorChar, t.Attributes[SweepAttributeKeys.Checkpoint]));

        var (showCode, show, showError) = await RunAsync(["show", "--storage", url]);
        Assert.True(showCode == 0, showError);
        Assert.Contains("study TinySweep (maximize accuracy): 5 trials (5 complete)", show);
        var (exportCode, export, _) = await RunAsync(["export", "--storage", url, "--format", "json"]);
        Assert.Equal(0, exportCode);
        Assert.Equal(5, JsonDocument.Parse(export).RootElement.GetProperty("trials").GetArrayLength());

        // `best` on a third machine names the shared checkpoint, which loads as the best model.
        var (bestCode, best, bestError) = await RunAsync(["best", "--storage", url]);
        Assert.True(bestCode == 0, bestError);
        var checkpoint = JsonDocument.Parse(best).RootElement.GetProperty("checkpoint").GetString()!;
        Assert.Equal((await store.GetBestTrialAsync("TinySweep"))!.Attributes[SweepAttributeKeys.Checkpoint], checkpoint);
        using var model = Checkpoint.Load<SweepNet, SweepNet.Hyperparameters>(checkpoint);
        Assert.NotNull(model);
    }

    [PostgreSqlFact]
    public async Task Copy_study_moves_a_sqlite_study_and_its_checkpoints_to_postgresql_and_back()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        var db = folder.File("local.db");
        var (code, _, error) = await RunAsync(["sweep", "--storage", db, "--trials", "3", "--epochs", "1", "--sampler", "random", "--output", folder.File("local")]);
        Assert.True(code == 0, error);

        var shared = folder.File("shared");
        (code, var copied, error) = await RunAsync(["copy-study", "--from", db, "--to", url, "--artifacts", shared]);
        Assert.True(code == 0, error);
        Assert.Contains("copied study TinySweep: 3 trials, ", copied);
        Assert.DoesNotContain(fixture.Server.Password, copied);

        var back = folder.File("back.db");
        (code, _, error) = await RunAsync(["copy-study", "--from", url, "--to", back, "--study", "TinySweep"]);
        Assert.True(code == 0, error);

        await using var original = StudyStorage.Sqlite(db);
        await using var copy = StudyStorage.Sqlite(back);
        var before = await original.GetTrialsAsync("TinySweep");
        var after = await copy.GetTrialsAsync("TinySweep");
        Assert.Equal(before.Select(t => (t.Number, t.State, t.Value, t.StartedAt, t.FinishedAt, t.WorkerId)),
            after.Select(t => (t.Number, t.State, t.Value, t.StartedAt, t.FinishedAt, t.WorkerId)));
        Assert.Equal(before.Select(t => t.IntermediateValues.OrderBy(v => v.Key).ToList()), after.Select(t => t.IntermediateValues.OrderBy(v => v.Key).ToList()));
        foreach (var (was, now) in before.Zip(after))
        {
            if (!was.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path)) continue;
            var moved = now.Attributes[SweepAttributeKeys.Checkpoint];
            Assert.StartsWith(shared + Path.DirectorySeparatorChar, moved);
            Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(moved));
            Assert.True(File.Exists(Checkpoint.MetadataPath(moved)));
        }
    }

    [PostgreSqlFact]
    public async Task A_worker_killed_with_kill_9_has_its_trial_failed_and_retried_by_a_live_worker_within_twice_the_timeout()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        var staleAfter = TimeSpan.FromSeconds(3);
        var data = files.WriteDataset("tiny", 100, 10, rows: 28, cols: 28);
        // The doomed worker's trial never ends by itself; the live one's last a few seconds, so it is still in the study.
        string[] Sweep(string name, int epochs) =>
            ["sweep", "--storage", url, "--study", "shared", "--trials", "2", "--epochs", $"{epochs}", "--data", data, "--sampler", "random",
             "--heartbeat", "500ms", "--stale-after", "3s", "--max-retries", "1", "--output", folder.File(name), "--keep-checkpoints", "0"];

        // Two worker processes of the sample on one study; the first is killed while it trains its trial.
        using var doomed = Sample(Sweep("doomed", 1_000_000));
        await using var store = StudyStorage.Open(url); // writable, so that it may create the schema before the workers do
        var marker = $"-{doomed.Id}-";
        var victim = await WaitForAsync(store, trials => trials.FirstOrDefault(t => t.State == TrialState.Running && t.WorkerId!.Contains(marker)), doomed);
        using var live = Sample(Sweep("live", 40));
        await WaitForAsync(store, trials => trials.FirstOrDefault(t => t.State == TrialState.Running && !t.WorkerId!.Contains(marker)), doomed, live);
        doomed.Kill(); // SIGKILL: no chance to record anything
        var killedAt = DateTimeOffset.UtcNow;

        var failed = await WaitForAsync(store, trials => trials.FirstOrDefault(t => t.Number == victim.Number && t.State == TrialState.Failed), live);
        var retry = await WaitForAsync(store, trials => trials.FirstOrDefault(t => t.RetryOf == victim.Number && t.State != TrialState.Waiting), live);
        Assert.True(failed.FinishedAt - killedAt < 2 * staleAfter, $"recovered {failed.FinishedAt - killedAt} after the kill");
        Assert.DoesNotContain(marker, retry.WorkerId);
        Assert.Equal(victim.Parameters, retry.Parameters);

        await live.WaitForExitAsync();
        Assert.True(live.ExitCode == 0, await live.StandardError.ReadToEndAsync());
        var final = await store.GetTrialsAsync("shared");
        Assert.Equal(2, final.Count(t => t.State == TrialState.Complete));
        Assert.Equal([victim.Number], final.Where(t => t.State == TrialState.Failed).Select(t => t.Number));
    }

    [PostgreSqlFact]
    public async Task Read_commands_name_the_server_without_its_password()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        await using (var store = StudyStorage.Open(url))
            await store.CreateOrOpenStudyAsync(new StudyDefinition("other", StudyDirection.Minimize));

        var (code, output, error) = await RunAsync(["show", "--storage", url]);

        Assert.Equal(SweepCommandLine.FailureExitCode, code);
        Assert.Contains($"'{fixture.Server.Url(url[(url.LastIndexOf('/') + 1)..], withPassword: false)}' has no study 'TinySweep'", error);
        Assert.DoesNotContain(fixture.Server.Password, output + error);
    }

    [Fact]
    public async Task Copy_study_requires_both_stores()
    {
        var (code, _, error) = await RunAsync(["copy-study", "--from", folder.File("missing.db")]);
        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        Assert.Contains("--from expects an existing study file", error);
    }

    /// <summary>The sample's command line in a process of its own, as a worker on another machine runs it.</summary>
    private System.Diagnostics.Process Sample(string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FashionMnist.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = System.Diagnostics.Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static async Task<TrialRecord> WaitForAsync(
        IStudyStorage store, Func<IReadOnlyList<TrialRecord>, TrialRecord?> find, params System.Diagnostics.Process[] running)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (running.FirstOrDefault(p => p.HasExited) is { } exited)
                throw new InvalidOperationException($"A worker exited with {exited.ExitCode} too early: {await exited.StandardError.ReadToEndAsync()}");
            var studies = await store.GetStudiesAsync();
            if (studies.Any(s => s.Name == "shared") && find(await store.GetTrialsAsync("shared")) is { } found)
                return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("The workers did not get there within two minutes.");
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args) => SweepKit.RunCommandLineAsync(args);
}
