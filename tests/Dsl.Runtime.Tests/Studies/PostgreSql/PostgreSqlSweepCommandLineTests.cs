using System.Text.Json;
using Dsl.Checkpoints;
using Dsl.CommandLine;
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

    public void Dispose() => folder.Dispose();

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

    [Fact]
    public async Task Copy_study_requires_both_stores()
    {
        var (code, _, error) = await RunAsync(["copy-study", "--from", folder.File("missing.db")]);
        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        Assert.Contains("--from expects an existing study file", error);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SweepCommandLine.RunAsync<SweepNet, SweepNet.Hyperparameters, TinyTraining>(
            SweepKit.Definition(), args, () => SweepKit.Data(), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
