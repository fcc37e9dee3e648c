using Dsl.Runtime.Tests.Sweeps;
using Dsl.Search.Trials;
using Dsl.Sweeps;
using Dsl.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

/// <summary>A tiny classifier with a BatchNorm whose input is a plain linear map, so its statistics can be checked by hand.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class TinyBatchNormNet
{
    [Dsl.Linear(6), Dsl.BatchNorm1d, Dsl.Activate(Dsl.Activation.ReLU), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>A sweep whose hyperparameter switches stochastic weight averaging on or off, with a start epoch that applies only when on.</summary>
[Dsl.Sweep(typeof(SweepNet), Epochs = 3)]
public partial class SwaSwitchSweep
{
    [Dsl.Hyperparameter(Default = false)] public partial bool Swa { get; }

    [Dsl.Hyperparameter(1, 3, Default = 2), Dsl.When(nameof(Swa), true)]
    public partial int SwaStartEpoch { get; }
}

[Collection(TorchTrainingCollection.Name)]
public sealed class StochasticWeightAveragingTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 4,
        BatchSize = 16,
        Optimizer = OptimizerKind.Sgd,
        LearningRate = 0.1,
        Seed = 3,
        Swa = true,
        SwaStartEpoch = 2,
        SwaLearningRate = 0.02,
    };

    [Fact]
    public void The_model_ends_with_the_mean_of_the_weights_after_each_epoch_from_the_start_epoch()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var endOfEpoch = new Dictionary<int, Dictionary<string, float[]>>();
        // The last batch of an epoch ends before the epoch's averaging, so it sees the weights as trained.
        var callback = new RecordingCallback { OnBatch = b => { if (b.Batch == b.BatchesPerEpoch) endOfEpoch[b.Epoch] = Weights.Of(model); } };

        var result = new Trainer(Options).Fit(model, data, null, callback);

        Assert.Equal(3, result.SwaAveragedEpochs);
        var final = Weights.Of(model);
        foreach (var (name, values) in final)
            for (var i = 0; i < values.Length; i++)
            {
                var mean = (endOfEpoch[2][name][i] + endOfEpoch[3][name][i] + endOfEpoch[4][name][i]) / 3;
                Assert.True(Math.Abs(values[i] - mean) < 1e-5, $"{name}[{i}] is {values[i]}, but the mean of epochs 2 to 4 is {mean}");
            }
        Assert.False(Weights.Equal(final, endOfEpoch[4]));
    }

    [Fact]
    public void The_learning_rate_follows_the_schedule_then_anneals_to_the_swa_rate_and_stays()
    {
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        var rates = new List<double>();
        var options = Options with { SwaAnnealEpochs = 2, SwaAnnealStrategy = SwaAnnealing.Linear };

        using var swa = SwaAveraging.For(options, model, batchesPerEpoch: 6, totalSteps: 24)!;
        for (var step = 0; step < 24; step++) rates.Add(swa.LearningRate(step, 0.1));

        Assert.All(rates.Take(6), r => Assert.Equal(0.1, r));
        // Linear over 12 steps from 0.1 to 0.02: step 6 is 1/12 of the way.
        Assert.Equal(0.1 - 0.08 / 12, rates[6], 12);
        Assert.Equal(0.02, rates[17], 12);
        Assert.All(rates.Skip(17), r => Assert.Equal(0.02, r, 12));
        Assert.All(rates, r => Assert.InRange(r, 0.02 - 1e-12, 0.1));
    }

    [Fact]
    public void Epoch_reports_show_the_swa_learning_rate_once_annealed()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);

        var result = new Trainer(Options).Fit(model, data);

        Assert.Equal([0.1, 0.02, 0.02, 0.02], result.Epochs.Select(e => Math.Round(e.LearningRate, 12)));
    }

    [Fact]
    public void With_batch_norm_the_run_ends_with_statistics_recomputed_for_the_averaged_weights()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var validation = Synthetic.Blobs(30, seed: 2);
        using var model = Trainer.CreateModel<TinyBatchNormNet, TinyBatchNormNet.Hyperparameters>(TinyBatchNormNet.Hyperparameters.Default, seed: 5);

        var result = new Trainer(Options).Fit(model, data, validation);

        var norm = model.modules().OfType<BatchNorm1d>().Single();
        var linear = model.modules().OfType<Linear>().First();
        using var noGrad = no_grad();
        // 96 samples in 6 equal batches: the cumulative average of the batch means is the mean over all samples.
        using var expected = linear.call(data.InputTensors[0]).mean([0]);
        Assert.True(norm.running_mean!.allclose(expected, rtol: 1e-4, atol: 1e-5),
            $"running mean {string.Join(", ", norm.running_mean!.data<float>().ToArray())} differs from {string.Join(", ", expected.data<float>().ToArray())}");
        Assert.Equal(6, norm.num_batches_tracked!.item<long>());
        Assert.Equal(0.1, norm.momentum!.Value, 12);
        // The last epoch's validation measures the averaged model with its new statistics.
        var evaluation = new Trainer(Options).Evaluate(model, validation);
        Assert.Equal(evaluation.Loss, result.Last.Validation!.Loss, 6);
    }

    [Fact]
    public void A_run_stopped_inside_the_averaging_cannot_be_resumed_because_the_average_is_not_checkpointed()
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        var options = Options with { CheckpointPath = folder.File("run") };
        new Trainer(options).Fit(model, data, null, new RecordingCallback(r => r.Epoch == 2 ? EpochDecision.Stop : EpochDecision.Continue));

        var error = Assert.Throws<ArgumentException>(() => new Trainer(options).Resume(model, options.CheckpointPath!, data));

        Assert.Contains("stopped after epoch 2, inside stochastic weight averaging (from epoch 2)", error.Message);
    }

    [Fact]
    public void Swa_is_off_by_default_and_start_epochs_outside_the_run_are_refused()
    {
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        Assert.Null(SwaAveraging.For(new TrainingOptions(), model, 1, 1));
        Assert.Equal(3, (new TrainingOptions { Epochs = 4, Swa = true }).EffectiveSwaStartEpoch);

        var error = Assert.Throws<ArgumentException>(() => (Options with { SwaStartEpoch = 5 }).Validate());
        Assert.Contains("SwaStartEpoch must lie in [1, Epochs = 4], but is 5", error.Message);
    }

    [Fact]
    public async Task A_sweep_hyperparameter_switches_swa_on_and_its_trials_train()
    {
        var on = SwaSwitchSweep.Definition.Configure(new TrainingOptions(), SwaSwitchSweep.Hyperparameters.Default with { Swa = true, SwaStartEpoch = 3 });
        var off = SwaSwitchSweep.Definition.Configure(new TrainingOptions(), SwaSwitchSweep.Hyperparameters.Default);
        Assert.Equal((true, 3), (on.Swa, on.SwaStartEpoch));
        Assert.Equal((false, (int?)null), (off.Swa, off.SwaStartEpoch));

        using var data = SweepKit.Data();
        var withSwa = SweepOptions.Assignment(SweepNet.Hyperparameters.Default, SwaSwitchSweep.Hyperparameters.Default with { Swa = true });
        var withoutSwa = SweepOptions.Assignment(SweepNet.Hyperparameters.Default, SwaSwitchSweep.Hyperparameters.Default);
        var result = await SwaSwitchSweep.RunAsync(data, SweepKit.Options(folder.File("swa"), trials: 2) with { Enqueue = [withSwa, withoutSwa] });

        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Contains(result.Trials, t => t.Parameters["Swa"] is true);
        Assert.Contains(result.Trials, t => t.Parameters["Swa"] is false);
    }
}
