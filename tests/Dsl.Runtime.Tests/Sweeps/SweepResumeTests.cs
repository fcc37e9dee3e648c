using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.Sqlite;
using Dsl.Sweeps;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>What a rerun of the same sweep on the same SQLite file does after a normal end, a crash, or a dead worker.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class SweepResumeTests : IDisposable
{
    // Above Linux's largest pid_max (2^22), so no process can have it: the "killed" run's worker.
    private const int DeadPid = 4_194_304 + 23;

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_rerun_continues_to_the_total_and_keeps_the_completed_trials()
    {
        using var data = SweepKit.Data();
        var path = folder.File("resume.db");

        IReadOnlyList<TrialRecord> first;
        await using (var storage = StudyStorage.Sqlite(path))
            first = (await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3) with { Storage = storage })).Trials;

        IReadOnlyList<TrialRecord> second;
        var progress = new RecordingProgress();
        await using (var storage = StudyStorage.Sqlite(path))
            second = (await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 5) with { Storage = storage, Progress = progress })).Trials;

        Assert.Equal(5, second.Count);
        Assert.All(second, t => Assert.Equal(TrialState.Complete, t.State));
        foreach (var before in first)
        {
            var after = second.Single(t => t.Number == before.Number);
            Assert.Equal(before.Value, after.Value);
            Assert.Equal(before.Parameters, after.Parameters);
            Assert.Equal(before.FinishedAt, after.FinishedAt);
        }
        Assert.Equal(3, progress.Starts.Single().Counted);
        Assert.Equal([4, 5], progress.Trials.Select(t => t.Index));

        // A third run with the same total has nothing left to do.
        await using (var storage = StudyStorage.Sqlite(path))
            Assert.Equal(5, (await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 5) with { Storage = storage })).Trials.Count);
    }

    [Fact]
    public async Task A_trial_left_running_by_a_killed_run_is_failed_and_retried()
    {
        using var data = SweepKit.Data();
        var path = folder.File("killed.db");

        // The "killed" run: its process is gone, its trial is still running with one epoch reported.
        await using (var crashed = StudyStorage.Sqlite(path, new SqliteStudyStorageOptions
        {
            Process = new WorkerProcess(Environment.MachineName, DeadPid, DateTimeOffset.UtcNow.AddMinutes(-1)),
        }))
        {
            await crashed.CreateOrOpenStudyAsync(new StudyDefinition("TinySweep", StudyDirection.Maximize, SweepKit.Space));
            var claim = await crashed.ClaimTrialAsync("TinySweep", "killed-worker", (_, _) => SweepKit.Space.Defaults());
            await crashed.ReportIntermediateValueAsync("TinySweep", claim.Number, 1, 0.5);
        }

        var progress = new RecordingProgress();
        IReadOnlyList<TrialRecord> trials;
        await using (var storage = StudyStorage.Sqlite(path))
            trials = (await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3) with { Storage = storage, Progress = progress })).Trials;

        var killed = trials.Single(t => t.Number == 0);
        Assert.Equal(TrialState.Failed, killed.State);
        Assert.Contains("interrupted", killed.Error);
        var recovered = Assert.Single(progress.Starts.Single().Recovered);
        Assert.Equal(0, recovered.Number);
        var retry = trials.Single(t => t.Number == recovered.RetriedAs);
        Assert.Equal(TrialState.Complete, retry.State);
        Assert.Equal(killed.Parameters, retry.Parameters);
        Assert.Equal(0, progress.Trials.First().RetryOf);
        // The retry stands in for the killed trial: three trials count, plus the failed attempt.
        Assert.Equal(3, trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(4, trials.Count);
        SweepAssert.NoneRunning(trials);
    }

    [Fact]
    public async Task Without_retries_a_killed_trial_still_counts_towards_the_total()
    {
        using var data = SweepKit.Data();
        await using var storage = StudyStorage.InMemory();
        await storage.CreateOrOpenStudyAsync(new StudyDefinition("TinySweep", StudyDirection.Maximize, SweepKit.Space));
        await storage.ClaimTrialAsync("TinySweep", "gone", (_, _) => SweepKit.Space.Defaults());

        // An in-memory "dead" worker cannot be told from a live one, so the caller vouches that it is the only worker.
        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 2) with
        {
            Storage = storage,
            MaxRetries = 0,
            StaleTrials = StaleTrialPolicy.Default with { TreatAllRunningAsStale = true },
        });

        Assert.Equal(2, result.Trials.Count);
        Assert.Equal(TrialState.Failed, result.Trials[0].State);
        Assert.Equal(TrialState.Complete, result.Trials[1].State);
    }
}
