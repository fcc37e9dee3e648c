using Dsl.Checkpoints;
using Dsl.Compression;
using Dsl.Runtime.Tests.FineTuning;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Sweeps;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Compression;

/// <summary>A sweep that searches the pruning target like any other training option.</summary>
[Dsl.Sweep(typeof(SweepNet), Epochs = 2)]
public partial class PruningSweep
{
    [Dsl.Hyperparameter(0.0, 0.9, Default = 0.5)]
    public partial double PruneTargetSparsity { get; }
}

[Collection(TorchTrainingCollection.Name)]
public sealed class PruningTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static readonly TrainingOptions Options = new() { Epochs = 3, BatchSize = 16, LearningRate = 0.05, Seed = 2, PruneTargetSparsity = 0.8 };

    [Fact]
    public void Pruned_weights_stay_zero_through_training()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var zerosAfterEachBatch = new List<Dictionary<string, bool[]>>();
        var callback = new RecordingCallback { OnBatch = _ => zerosAfterEachBatch.Add(ZeroPattern(model)) };

        var result = new Trainer(Options).Fit(model, data, null, callback);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        // Adam moves every weight with a gradient; without the masks the pruned ones would leave zero at the next step.
        var first = zerosAfterEachBatch[0];
        Assert.All(zerosAfterEachBatch, pattern => Assert.Equal(first, pattern));
        Assert.Equal(0.8, Sparsity.Measure(model).Overall, 2);
        Assert.All(result.Epochs, r => Assert.Equal(0.8, r.Sparsity!.Overall, 2));
        Assert.Equal(["fc1.weight", "fc2.weight"], result.Epochs[^1].Sparsity!.Layers.Keys.Order());
    }

    [Fact]
    public void Global_pruning_removes_the_smallest_weights_across_layers_and_per_layer_pruning_the_same_share_of_each()
    {
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        SetWeights(model, first: 1, second: 100);

        var global = Sparsity.Prune(model, 0.5);

        // fc1 (32 weights) holds the smallest 32 of 56: global pruning takes all 28 from it and leaves fc2 whole.
        Assert.Equal(0.5, global.Overall, 6);
        Assert.Equal(28.0 / 32, global.Layers["fc1.weight"]);
        Assert.Equal(0.0, global.Layers["fc2.weight"]);

        SetWeights(model, first: 1, second: 100);
        var perLayer = Sparsity.Prune(model, 0.5, PruningMethod.PerLayer);
        Assert.Equal(0.5, perLayer.Layers["fc1.weight"]);
        Assert.Equal(0.5, perLayer.Layers["fc2.weight"]);
        // The largest half of each layer is kept.
        using var kept = model.named_parameters().Single(p => p.name == "fc1.weight").parameter.detach().flatten();
        Assert.All(kept.data<float>().ToArray().Take(16), v => Assert.Equal(0f, v));
        Assert.All(kept.data<float>().ToArray().Skip(16), v => Assert.NotEqual(0f, v));
    }

    [Theory]
    [InlineData(PruningMethod.Global)]
    [InlineData(PruningMethod.PerLayer)]
    public void Frozen_layers_are_not_pruned_and_the_others_reach_the_target(PruningMethod method)
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var before = FreezingTests.State(model);

        var result = new Trainer(Options with { FreezeLayers = "fc1", PruneMethod = method }).Fit(model, data);

        Assert.Equal(before["fc1.weight"], FreezingTests.State(model)["fc1.weight"]);
        Assert.Equal(0, Sparsity.Measure(model, "fc1").Overall);
        // 80% of fc2's 24 weights, rounded to whole weights.
        Assert.InRange(Sparsity.Measure(model, "fc2").Overall, 0.78, 0.82);
        Assert.Equal(["fc2.weight"], result.Epochs[^1].Sparsity!.Layers.Keys);
    }

    [Fact]
    public void Frozen_blocks_are_not_pruned_and_a_model_with_only_frozen_weights_left_says_so()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<FrozenBranchNet, FrozenBranchNet.Hyperparameters>(FrozenBranchNet.Hyperparameters.Default, seed: 5);
        var before = FreezingTests.State(model);

        new Trainer(Options with { PruneMethod = PruningMethod.PerLayer }).Fit(model, data);

        var after = FreezingTests.State(model);
        Assert.All(["pretrained_fc1.weight", "refine.body.fc1.weight"], key => Assert.Equal(before[key], after[key]));
        Assert.InRange(Sparsity.Measure(model, "fresh_fc1").Overall, 0.78, 0.82);
        Assert.InRange(Sparsity.Measure(model, "fc1").Overall, 0.78, 0.82);

        // Structured pruning spares the output layer (fc2); with fc1 frozen, nothing is left to prune.
        using var structured = new TinyNet(TinyNet.Hyperparameters.Default);
        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer(Options with { FreezeLayers = "fc1", PruneMethod = PruningMethod.Structured }).Fit(structured, data));
        Assert.Contains("has no weights of two or more dimensions to prune once its frozen weights (fc1.weight) are left out", error.Message);
    }

    [Fact]
    public void Structured_pruning_zeroes_whole_filters_with_their_biases_and_spares_the_output_layer()
    {
        using var data = Images(48);
        using var model = Trainer.CreateModel<TinyCnn, TinyCnn.Hyperparameters>(TinyCnn.Hyperparameters.Default, seed: 5);

        var result = new Trainer(new TrainingOptions
        {
            Epochs = 2, BatchSize = 16, Seed = 1, PruneTargetSparsity = 0.5, PruneMethod = PruningMethod.Structured, PruneNorm = 2,
        }).Fit(model, data);

        Assert.Equal(["conv1.weight"], result.Epochs[^1].Sparsity!.Layers.Keys);
        var state = model.state_dict();
        using var filterNorms = state["conv1.weight"].abs().flatten(1).sum(1);
        var zeroFilters = filterNorms.data<float>().Select((v, i) => (v, i)).Where(p => p.v == 0).Select(p => p.i).ToArray();
        Assert.Equal(2, zeroFilters.Length);
        Assert.All(zeroFilters, i => Assert.Equal(0f, state["conv1.bias"][i].item<float>()));
        Assert.Equal(0, Sparsity.Measure(model, "fc1").Overall);
    }

    [Theory]
    [InlineData(PruningSchedule.Steps, new[] { 0.2, 0.4, 0.6, 0.8, 0.8 })]
    [InlineData(PruningSchedule.Cubic, new[] { 0.4625, 0.7, 0.7875, 0.8, 0.8 })]
    [InlineData(PruningSchedule.OneShot, new[] { 0.8, 0.8, 0.8, 0.8, 0.8 })]
    public void Iterative_schedules_raise_the_sparsity_each_pruning_epoch_up_to_the_target(PruningSchedule schedule, double[] expected)
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default with { Hidden = 16 });

        var result = new Trainer(Options with { Epochs = 5, PruneSchedule = schedule, PruneEndEpoch = 4 }).Fit(model, data);

        Assert.Equal(expected, result.Epochs.Select(r => Math.Round(r.Sparsity!.Overall, 2)), (a, b) => Math.Abs(a - b) < 0.015);
    }

    [Theory]
    [InlineData(PruningSchedule.Cubic, PruningMethod.Global)]
    [InlineData(PruningSchedule.Steps, PruningMethod.PerLayer)]
    [InlineData(PruningSchedule.OneShot, PruningMethod.Structured)]
    public void Fine_tuning_a_sparse_model_never_gives_its_zeros_back(PruningSchedule schedule, PruningMethod method)
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var start = Sparsity.Prune(model, 0.8).Layers;
        var before = ZeroPattern(model);
        var patterns = new List<Dictionary<string, bool[]>>();
        var callback = new RecordingCallback { OnBatch = _ => patterns.Add(ZeroPattern(model)) };

        // The schedule's first steps (and structured pruning's rows) ask for fewer zeros than the model already has.
        var result = new Trainer(Options with { Epochs = 4, PruneSchedule = schedule, PruneMethod = method, PruneTargetSparsity = 0.5 })
            .Fit(model, data, null, callback);

        // Structured pruning leaves the output layer (fc2) alone, so only the layers it covers are held to their zeros.
        var covered = result.Epochs[0].Sparsity!.Layers.Keys.ToArray();
        Assert.All(patterns, pattern => Assert.All(covered, name =>
            Assert.All(before[name].Zip(pattern[name]), z => Assert.True(!z.First || z.Second, $"a pruned weight of {name} came back"))));
        Assert.All(result.Epochs, r => Assert.All(covered, name =>
            Assert.True(r.Sparsity!.Layers[name] >= start[name], $"the sparsity of {name} fell to {r.Sparsity.Layers[name]} in epoch {r.Epoch}")));
    }

    [Theory]
    [InlineData(PruningSchedule.Steps, 3)]
    [InlineData(PruningSchedule.OneShot, 2)]
    public void Restored_best_weights_are_those_of_an_epoch_after_the_last_pruning_step(PruningSchedule schedule, int lastPruningEpoch)
    {
        using var train = Synthetic.Blobs(48, seed: 1);
        using var validation = Synthetic.Blobs(24, seed: 3);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        // A MinDelta no change can meet makes the first epoch tracked the best for good.
        var options = Options with
        {
            Epochs = 4, PruneSchedule = schedule, PruneStartEpoch = schedule == PruningSchedule.OneShot ? 2 : 1, PruneEndEpoch = 3,
            EarlyStopping = new EarlyStopping { Patience = 5, MinDelta = 1e9 },
        };

        var result = new Trainer(options).Fit(model, train, validation, callback: null);

        Assert.True(result.RestoredBestWeights);
        Assert.Equal(lastPruningEpoch, result.BestEpoch);
        // The value a sweep records for the best epoch is the one the restored weights give.
        Assert.Equal(result.Best!.Validation!.Loss, new Trainer(options).Evaluate(model, validation).Loss, 5);
        Assert.Equal(0.8, Sparsity.Measure(model).Overall, 2);
    }

    [Fact]
    public void Pruning_every_second_epoch_prunes_only_at_those_epochs()
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default with { Hidden = 16 });

        var result = new Trainer(Options with { Epochs = 5, PruneSchedule = PruningSchedule.Steps, PruneStartEpoch = 2, PruneEveryEpochs = 2 })
            .Fit(model, data);

        // Steps at epochs 2 and 4 (epoch 6 is past the end): 0.4, then 0.8.
        Assert.Equal([0, 0.4, 0.4, 0.8, 0.8], result.Epochs.Select(r => Math.Round(r.Sparsity!.Overall, 1)));
    }

    [Fact]
    public void Checkpoints_hold_the_zeros_and_record_the_sparsity()
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        var resumable = folder.File("run.ckpt");
        new Trainer(Options with { Epochs = 2, CheckpointPath = resumable }).Fit(model, data);
        var saved = folder.File("pruned.ckpt");
        Checkpoint.Save(model, saved);

        using var loaded = Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(saved);
        Assert.Equal(0.8, Sparsity.Measure(loaded).Overall, 2);
        var metadata = Checkpoint.ReadMetadata(saved);
        Assert.Equal(0.8, metadata.Sparsity!.Overall, 2);
        Assert.Equal(["fc1.weight", "fc2.weight"], metadata.Sparsity.Layers.Keys.Order());
        Assert.Equal(0.8, Checkpoint.ReadMetadata(resumable).Sparsity!.Overall, 2);
        Assert.Null(Checkpoint.ReadMetadata(Save(new TinyNet(TinyNet.Hyperparameters.Default), "dense.ckpt")).Sparsity);
    }

    [Fact]
    public void A_resumed_run_keeps_the_pruned_pattern_and_its_sparsity_history()
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        var path = folder.File("resume.ckpt");
        var options = Options with { Epochs = 4, PruneSchedule = PruningSchedule.Steps, CheckpointPath = path };
        using var whole = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var uninterrupted = new Trainer(options).Fit(whole, data);
        using var interrupted = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        new Trainer(options).Fit(interrupted, data, null, new RecordingCallback(r => r.Epoch == 2 ? EpochDecision.Stop : EpochDecision.Continue));
        using var resumed = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 9);

        var result = new Trainer(options).Resume(resumed, path, data);

        Assert.Equal(uninterrupted.Epochs.Select(r => Math.Round(r.Sparsity!.Overall, 3)), result.Epochs.Select(r => Math.Round(r.Sparsity!.Overall, 3)));
        Assert.Equal(0.8, Sparsity.Measure(resumed).Overall, 2);
    }

    [Fact]
    public void The_target_sparsity_is_a_sweep_hyperparameter()
    {
        var configured = PruningSweep.Definition.Configure(new TrainingOptions(), PruningSweep.Hyperparameters.Default with { PruneTargetSparsity = 0.7 });
        Assert.Equal(0.7, configured.PruneTargetSparsity);
    }

    [Fact]
    public async Task A_sweep_trial_trains_at_its_sampled_sparsity()
    {
        using var data = SweepKit.Data();
        var sparse = SweepOptions.Assignment(SweepNet.Hyperparameters.Default, PruningSweep.Hyperparameters.Default with { PruneTargetSparsity = 0.75 });

        var result = await PruningSweep.RunAsync(data, SweepKit.Options(folder.File("sweep"), trials: 1) with { Enqueue = [sparse] });

        var trial = Assert.Single(result.Trials);
        Assert.Equal(TrialState.Complete, trial.State);
        Assert.Equal(0.75, trial.Parameters["PruneTargetSparsity"]);
    }

    [Fact]
    public void The_console_line_of_an_epoch_shows_the_sparsity()
    {
        var report = new EpochReport(2, 0.5, null, 100) { Sparsity = new SparsityReport(0.8, new Dictionary<string, double>()) };

        Assert.Contains(", sparsity 80.0%", ConsoleProgress.Describe(report));
        Assert.DoesNotContain("sparsity", ConsoleProgress.Describe(report with { Sparsity = null }));
    }

    [Fact]
    public void Bad_pruning_options_are_named()
    {
        Assert.Contains("PruneTargetSparsity", Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { PruneTargetSparsity = 1 })).Message);
        Assert.Contains("PruneEndEpoch", Assert.Throws<ArgumentException>(() => new Trainer(Options with { PruneEndEpoch = 9 })).Message);
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        var error = Assert.Throws<ArgumentException>(() => new Trainer(Options with { PruneLayers = "conv*" }).Fit(model, data));
        Assert.Contains("PruneLayers 'conv*' selects no weight", error.Message);
        Assert.Contains("fc1.weight", error.Message);
    }

    private string Save(TinyNet model, string name)
    {
        using (model) Checkpoint.Save(model, folder.File(name));
        return folder.File(name);
    }

    private static Dictionary<string, bool[]> ZeroPattern(TinyNet model) =>
        model.named_parameters().Where(p => p.parameter.dim() == 2).ToDictionary(p => p.name, p =>
        {
            using var zero = p.parameter.detach().eq(0).flatten();
            return zero.data<bool>().ToArray();
        });

    /// <summary>fc1's weights become first·(1..32) and fc2's second·(1..24), so every magnitude is distinct and known.</summary>
    private static void SetWeights(TinyNet model, double first, double second)
    {
        using var noGrad = no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, scale) in new[] { ("fc1.weight", first), ("fc2.weight", second) })
        {
            var weight = parameters[name];
            using var values = arange(1, weight.numel() + 1, dtype: ScalarType.Float32).mul(scale).view(weight.shape);
            weight.copy_(values);
        }
    }

    private static TensorDataset Images(int count)
    {
        var generator = new Random(4);
        var pixels = Enumerable.Range(0, count * 36).Select(_ => (float)generator.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => (long)(i % 3)).ToArray();
        return new TensorDataset(tensor(pixels, [count, 1, 6, 6]), tensor(labels, [count]));
    }
}
