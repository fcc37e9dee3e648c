using Dsl.Checkpoints;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Pruning;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.CommandLine;
using Dsl.Sweeps;
using Dsl.Training;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>Each trial's own checkpoint: where it goes, which ones stay, and that what a trial records is its own weights.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class SweepCheckpointTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task After_a_resume_with_two_jobs_every_kept_checkpoint_reproduces_its_own_trial()
    {
        using var data = SweepKit.Data();
        var path = folder.File("resume.db");
        var options = SweepKit.Options(folder.Path) with { Jobs = 2, KeepCheckpoints = 3 };

        await using (var storage = StudyStorage.Sqlite(path))
            await SweepKit.RunAsync(data, options with { Storage = storage, Trials = 4 });
        SweepResult<SweepNet, SweepNet.Hyperparameters, TinyTraining> result;
        await using (var storage = StudyStorage.Sqlite(path))
            result = await SweepKit.RunAsync(data, options with { Storage = storage, Trials = 7 });

        Assert.Equal(7, result.Trials.Count(t => t.State == TrialState.Complete));
        var kept = result.Trials.Where(t => t.Attributes.ContainsKey(SweepAttributeKeys.Checkpoint)).ToList();
        // Retention: the top three by the metric, ties going to the earlier trial, and nothing else on disk.
        Assert.Equal(result.Leaderboard(3).Select(t => t.Number).Order(), kept.Select(t => t.Number).Order());
        Assert.Equal(kept.Select(t => t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(),
            Directory.GetDirectories(folder.File("trials")).Select(Path.GetFileName).Order());

        var trainer = new Trainer();
        foreach (var trial in kept)
        {
            var checkpoint = trial.Attributes[SweepAttributeKeys.Checkpoint];
            Assert.Equal(folder.File(Path.Combine("trials", trial.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.pt")), checkpoint);
            using var model = Checkpoint.Load<SweepNet, SweepNet.Hyperparameters>(checkpoint);
            Assert.Equal((int)(long)trial.Parameters["Hidden"], model.HyperparameterValues.Hidden);
            Assert.Equal(trial.Value, trainer.Evaluate(model, data.Validation).Accuracy);
        }

        // best.pt is a copy of the best trial's own checkpoint, and the result loads the best trial's weights.
        var best = result.Trials.Single(t => t.Number == result.Best.Number);
        Assert.Equal(best.Attributes[SweepAttributeKeys.Checkpoint], result.Best.CheckpointPath);
        Assert.Equal(File.ReadAllBytes(result.Best.CheckpointPath!), File.ReadAllBytes(folder.File("best.pt")));
        using var bestModel = Checkpoint.Load<SweepNet, SweepNet.Hyperparameters>(folder.File("best.pt"));
        Assert.Equal(best.Value, trainer.Evaluate(bestModel, data.Validation).Accuracy);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(null, 4)]
    public async Task Keep_checkpoints_zero_keeps_the_best_s_and_all_keeps_every_one(int? keep, int expected)
    {
        using var data = SweepKit.Data();

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 4) with { KeepCheckpoints = keep });

        var kept = result.Trials.Where(t => t.Attributes.ContainsKey(SweepAttributeKeys.Checkpoint)).Select(t => t.Number).ToList();
        Assert.Equal(expected, kept.Count);
        Assert.Contains(result.Best.Number, kept);
        Assert.All(kept, number => Assert.True(File.Exists(folder.File(Path.Combine("trials", number.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.pt")))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pruned_trial_keeps_its_checkpoint_only_when_asked(bool keepPruned)
    {
        using var data = SweepKit.Data();

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3) with { Pruner = new AlwaysPrune(), KeepPrunedCheckpoints = keepPruned },
            SweepKit.Definition(epochs: 3));

        Assert.All(result.Trials, t => Assert.Equal(TrialState.Pruned, t.State));
        if (keepPruned)
        {
            Assert.All(result.Trials, t => Assert.True(File.Exists(t.Attributes[SweepAttributeKeys.Checkpoint])));
        }
        else
        {
            Assert.All(result.Trials, t => Assert.False(t.Attributes.ContainsKey(SweepAttributeKeys.Checkpoint)));
            Assert.False(Directory.Exists(folder.File("trials")));
        }
    }

    [Fact]
    public async Task A_study_whose_trials_share_best_pt_keeps_only_the_checkpoint_that_is_really_theirs()
    {
        using var data = SweepKit.Data();
        var path = folder.File("legacy.db");
        int bestNumber;
        // As sweeps wrote studies before per-trial checkpoints: every trial that was best in its time points at best.pt,
        // which holds the weights of the last of them only.
        await using (var storage = StudyStorage.Sqlite(path))
        {
            var first = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3) with { Storage = storage, KeepCheckpoints = 0 });
            bestNumber = first.Best.Number;
            File.Copy(first.Best.CheckpointPath!, folder.File("best.pt"), overwrite: true);
            foreach (var trial in first.Trials)
                await storage.SetTrialAttributeAsync("TinySweep", trial.Number, SweepAttributeKeys.Checkpoint, folder.File("best.pt"));
            Directory.Delete(folder.File("trials"), recursive: true);
        }

        SweepResult<SweepNet, SweepNet.Hyperparameters, TinyTraining> result;
        await using (var storage = StudyStorage.Sqlite(path))
            result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3) with { Storage = storage });

        var best = result.Trials.Single(t => t.Number == bestNumber);
        Assert.Equal(folder.File(Path.Combine("trials", bestNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.pt")),
            best.Attributes[SweepAttributeKeys.Checkpoint]);
        using var model = Checkpoint.Load<SweepNet, SweepNet.Hyperparameters>(best.Attributes[SweepAttributeKeys.Checkpoint]);
        Assert.Equal(best.Value, new Trainer().Evaluate(model, data.Validation).Accuracy);
        Assert.All(result.Trials.Where(t => t.Number != bestNumber), t => Assert.False(t.Attributes.ContainsKey(SweepAttributeKeys.Checkpoint)));
    }

    [Fact]
    public async Task The_command_line_takes_keep_checkpoints_as_a_count_or_all()
    {
        var db = folder.File("cli.db");

        var (code, _, error) = await RunAsync(["sweep", "--trials", "3", "--epochs", "1", "--storage", db, "--output", folder.Path, "--keep-checkpoints", "1"]);
        Assert.True(code == 0, error);
        await using (var storage = StudyStorage.Sqlite(db))
            Assert.Single(await storage.GetTrialsAsync("TinySweep"), t => t.Attributes.ContainsKey(SweepAttributeKeys.Checkpoint));

        (code, _, error) = await RunAsync(["sweep", "--trials", "4", "--epochs", "1", "--storage", db, "--output", folder.Path, "--keep-checkpoints", "all"]);
        Assert.True(code == 0, error);
        await using (var storage = StudyStorage.Sqlite(db))
            Assert.Equal(2, (await storage.GetTrialsAsync("TinySweep")).Count(t => t.Attributes.ContainsKey(SweepAttributeKeys.Checkpoint)));

        (code, _, error) = await RunAsync(["sweep", "--keep-checkpoints", "some"]);
        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        Assert.Contains("--keep-checkpoints expects a whole number of at least 0 or 'all', but got 'some'.", error);
    }

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args) => SweepKit.RunCommandLineAsync(args);

    private sealed class AlwaysPrune : IPruner
    {
        public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction) => true;
    }
}
