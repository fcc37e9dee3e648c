using Dsl.Runtime.Tests.Training;
using Dsl.Search.Pruning;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Training;

namespace Dsl.Runtime.Tests.Sweeps;

[Collection(TorchTrainingCollection.Name)]
public sealed class SweepRunnerTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_sweep_completes_its_trials_and_the_best_is_the_maximum()
    {
        using var data = SweepKit.Data();
        var progress = new RecordingProgress();

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 4) with { Progress = progress });

        Assert.Equal(SweepStopReason.TrialsReached, result.StopReason);
        Assert.Equal(4, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        var max = result.Trials.Max(t => t.Value!.Value);
        Assert.Equal(max, result.Best.Value);
        Assert.Equal(result.Trials.Where(t => t.Value == max).Min(t => t.Number), result.Best.Number);
        Assert.Equal(result.Best.Number, result.Leaderboard(1).Single().Number);
        Assert.Equal(result.Trials.Select(t => t.Value).OrderDescending(), result.Leaderboard(10).Select(t => t.Value));

        // Typed hyperparameters, split between the model and the training records.
        var best = result.Trials.Single(t => t.Number == result.Best.Number);
        Assert.Equal((int)(long)best.Parameters["Hidden"], result.Best.Model.Hidden);
        Assert.Equal((double)best.Parameters["LearningRate"], result.Best.Training.LearningRate);

        // Every epoch reached the study, and the progress saw the same.
        Assert.All(result.Trials, t => Assert.Equal([1, 2], t.IntermediateValues.Keys.Order()));
        Assert.Equal(8, progress.Epochs.Count);
        Assert.Equal([1, 2, 3, 4], progress.Trials.Select(t => t.Index));
        Assert.Single(progress.Finishes);

        Assert.True(File.Exists(Path.Combine(folder.Path, "best.pt")));
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "best.json"))).RootElement;
        Assert.Equal(result.Best.Number, json.GetProperty("trial").GetInt32());
        Assert.Equal(result.Best.Model.Hidden, json.GetProperty("model").GetProperty("Hidden").GetInt32());
        Assert.Equal("accuracy", json.GetProperty("metric").GetString());
    }

    [Fact]
    public async Task A_six_trial_tpe_sweep_records_which_trials_tpe_chose()
    {
        using var data = SweepKit.Data();
        var options = SweepKit.Options(folder.Path, trials: 6) with
        {
            Sampler = Dsl.Search.Sampling.Samplers.Tpe(seed: 1),
            Epochs = 1,
            Enqueue = [SweepOptions.Assignment(SweepNet.Hyperparameters.Default, TinyTraining.Default)],
        };

        var result = await SweepKit.RunAsync(data, options);

        // Half the budget (3) finishes before TPE proposes, the enqueued defaults included.
        Assert.Equal(
            ["enqueued", "tpe-startup", "tpe-startup", "tpe", "tpe", "tpe"],
            result.Trials.Select(t => t.Attributes[SweepAttributeKeys.SampledBy]));
    }

    [Fact]
    public async Task The_best_model_reloads_and_reproduces_its_validation_accuracy()
    {
        using var data = SweepKit.Data(test: true);

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3));

        using var model = result.LoadBestModel();
        Assert.Equal(result.Best.Model, model.HyperparameterValues);
        var trainer = new Trainer();
        Assert.Equal(result.Best.Value, trainer.Evaluate(model, data.Validation).Accuracy);
        // The test set is measured once, on the saved checkpoint, and recorded on the best trial.
        Assert.NotNull(result.TestEvaluation);
        Assert.Equal(result.TestEvaluation!.Accuracy, trainer.Evaluate(model, data.Test!).Accuracy);
        var best = result.Trials.Single(t => t.Number == result.Best.Number);
        Assert.Equal(result.Best.CheckpointPath, best.Attributes[SweepAttributeKeys.Checkpoint]);
        Assert.True(best.Attributes.ContainsKey(SweepAttributeKeys.TestAccuracy));
    }

    [Fact]
    public async Task A_throwing_trial_is_recorded_failed_and_the_sweep_goes_on()
    {
        using var data = SweepKit.Data();
        var calls = 0;
        var definition = SweepKit.Definition(configure: (options, training) =>
            ++calls == 2 ? throw new InvalidOperationException("no GPU for this one") : SweepKit.Configure(options, training));

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 4), definition);

        Assert.Equal(4, result.Trials.Count);
        var failed = Assert.Single(result.Trials, t => t.State == TrialState.Failed);
        Assert.Equal(1, failed.Number);
        Assert.Contains("no GPU for this one", failed.Error);
        Assert.Equal(3, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.True(result.HasBest);
    }

    [Fact]
    public async Task A_diverging_trial_is_recorded_failed_with_why()
    {
        using var data = SweepKit.Data();
        var calls = 0;
        // An absurd learning rate on the first trial blows the loss up to infinity.
        var definition = SweepKit.Definition(configure: (options, training) =>
            SweepKit.Configure(options, training) with { LearningRate = ++calls == 1 ? 1e30 : training.LearningRate, Optimizer = OptimizerKind.Sgd, Momentum = 0 });

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 2), definition);

        var diverged = result.Trials.Single(t => t.Number == 0);
        Assert.Equal(TrialState.Failed, diverged.State);
        Assert.StartsWith("diverged", diverged.Error);
        Assert.Equal(nameof(TrainingOutcome.Diverged), diverged.Attributes[SweepAttributeKeys.Outcome]);
        Assert.Equal(TrialState.Complete, result.Trials.Single(t => t.Number == 1).State);
    }

    [Fact]
    public async Task A_pruner_that_always_prunes_records_pruned_trials_with_their_last_value()
    {
        using var data = SweepKit.Data();

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3) with { Pruner = new AlwaysPrune() }, SweepKit.Definition(epochs: 3));

        Assert.All(result.Trials, t =>
        {
            Assert.Equal(TrialState.Pruned, t.State);
            Assert.Equal([1], t.IntermediateValues.Keys);
            Assert.Equal(t.IntermediateValues[1], t.Value);
        });
        Assert.False(result.HasBest);
        Assert.Throws<InvalidOperationException>(() => result.Best);
    }

    [Fact]
    public async Task Cancellation_stops_within_the_trial_and_leaves_the_file_consistent()
    {
        using var data = SweepKit.Data();
        var path = folder.File("study.db");
        using var cancel = new CancellationTokenSource();
        var progress = new RecordingProgress(epoch =>
        {
            if (epoch.Number == 1 && epoch.Epoch == 1) cancel.Cancel();
        });

        SweepResult<SweepNet, SweepNet.Hyperparameters, TinyTraining> result;
        await using (var storage = StudyStorage.Sqlite(path))
            result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 4) with { Storage = storage, Progress = progress, MaxRetries = 1 },
                SweepKit.Definition(epochs: 3), cancel.Token);

        Assert.Equal(SweepStopReason.Cancelled, result.StopReason);
        SweepAssert.NoneRunning(result.Trials);
        var interrupted = result.Trials.Single(t => t.Number == 1);
        Assert.Equal(TrialState.Failed, interrupted.State);
        Assert.StartsWith("interrupted by user", interrupted.Error);
        Assert.Equal([1], interrupted.IntermediateValues.Keys);
        var retry = Assert.Single(result.Trials, t => t.State == TrialState.Waiting);
        Assert.Equal(interrupted.Parameters, retry.Parameters);

        // The same command again resumes: the retry runs first, and the study reaches its total.
        await using (var storage = StudyStorage.Sqlite(path))
            result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 4) with { Storage = storage }, SweepKit.Definition(epochs: 3));
        Assert.Equal(SweepStopReason.TrialsReached, result.StopReason);
        Assert.Equal(TrialState.Complete, result.Trials.Single(t => t.Number == retry.Number).State);
        Assert.Equal(4, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(5, result.Trials.Count);
    }

    [Fact]
    public async Task Two_jobs_share_a_sqlite_study_without_locking_errors()
    {
        using var data = SweepKit.Data();
        var progress = new RecordingProgress();
        var threads = TorchSharp.torch.get_num_threads();

        await using var storage = StudyStorage.Sqlite(folder.File("parallel.db"));
        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 6) with { Storage = storage, Jobs = 2, Progress = progress });

        Assert.Equal(6, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(Enumerable.Range(0, 6), result.Trials.Select(t => t.Number));
        Assert.Equal([0, 1], progress.Trials.Select(t => t.Job).Distinct().Order());
        Assert.Equal(threads, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public async Task Warm_start_trials_run_first_and_are_enqueued_once()
    {
        using var data = SweepKit.Data();
        var path = folder.File("warm.db");
        var known = SweepOptions.Assignment(new SweepNet.Hyperparameters { Hidden = 12 }, TinyTraining.Default with { LearningRate = 0.02 });
        var partial = new Dictionary<string, object> { ["Hidden"] = 5 };

        for (var run = 0; run < 2; run++)
        {
            await using var storage = StudyStorage.Sqlite(path);
            await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 3 + run) with { Storage = storage, Enqueue = [known, partial] });
        }

        await using var check = StudyStorage.Sqlite(path);
        var trials = await check.GetTrialsAsync("TinySweep");
        Assert.Equal(4, trials.Count);
        Assert.Equal(12L, trials[0].Parameters["Hidden"]);
        Assert.Equal(0.02, trials[0].Parameters["LearningRate"]);
        Assert.Equal(5L, trials[1].Parameters["Hidden"]);
        Assert.Equal(0.05, trials[1].Parameters["LearningRate"]); // missing parameters take their defaults
        Assert.Single(trials, t => (long)t.Parameters["Hidden"] == 12 && (double)t.Parameters["LearningRate"] == 0.02);
    }

    [Fact]
    public async Task A_spent_time_budget_stops_the_sweep()
    {
        using var data = SweepKit.Data();

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 50) with { Timeout = TimeSpan.FromMilliseconds(1) });

        Assert.Equal(SweepStopReason.Timeout, result.StopReason);
        Assert.True(result.Trials.Count < 50);
        SweepAssert.NoneRunning(result.Trials);
    }

    [Fact]
    public async Task A_used_up_grid_ends_the_sweep_early()
    {
        using var data = SweepKit.Data();
        var grid = Dsl.Search.Sampling.Samplers.Grid(values: new Dictionary<string, IReadOnlyList<object>>
        {
            ["Hidden"] = [4L, 12L],
            ["LearningRate"] = [0.05],
            ["Optimizer"] = [OptimizerKind.Adam],
            ["BatchSize"] = [32L],
        });

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 20) with { Sampler = grid });

        Assert.Equal(SweepStopReason.SamplerExhausted, result.StopReason);
        Assert.Equal(2, grid.Count(SweepKit.Space));
        Assert.Equal(2, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task Invalid_options_and_warm_starts_are_rejected()
    {
        using var data = SweepKit.Data();
        await Assert.ThrowsAsync<ArgumentException>(() => SweepKit.RunAsync(data, SweepKit.Options(folder.Path) with { Trials = 0 }));
        await Assert.ThrowsAsync<ArgumentException>(() => SweepKit.RunAsync(data, SweepKit.Options(folder.Path) with { Jobs = 0 }));
        var unknown = new Dictionary<string, object> { ["Width"] = 3L };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SweepKit.RunAsync(data, SweepKit.Options(folder.Path) with { Enqueue = [unknown] }));
        Assert.Contains("Width", error.Message);
    }

    private sealed class AlwaysPrune : IPruner
    {
        public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction) => true;
    }
}
