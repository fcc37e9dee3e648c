using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

[Collection(TorchTrainingCollection.Name)]
public sealed class TrainerTests
{
    private static TrainingOptions Options => new() { Epochs = 6, BatchSize = 32, LearningRate = 0.01, Seed = 3 };

    [Fact]
    public void Fit_learns_separable_blobs_and_reports_every_epoch()
    {
        using var train = Synthetic.Blobs(240, seed: 1);
        using var validation = Synthetic.Blobs(90, seed: 2);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 1);

        var result = new Trainer(Options).Fit(model, train, validation);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal([1, 2, 3, 4, 5, 6], result.Epochs.Select(e => e.Epoch));
        Assert.True(result.Last.TrainLoss < result.Epochs[0].TrainLoss);
        Assert.True(result.Last.Validation!.Accuracy > 0.95, $"accuracy {result.Last.Validation.Accuracy}");
        Assert.All(result.Epochs, e => Assert.Equal(8, e.Batches));
        Assert.All(result.Epochs, e => Assert.InRange(e.DataLoadingShare, 0, 1));
        Assert.All(result.Epochs, e => Assert.True(e.SamplesPerSecond > 0));
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.0, false)]
    [InlineData(OptimizerKind.Sgd, 0.9, false)]
    [InlineData(OptimizerKind.Sgd, 0.9, true)]
    [InlineData(OptimizerKind.Adam, 0.0, false)]
    [InlineData(OptimizerKind.AdamW, 0.0, false)]
    [InlineData(OptimizerKind.NAdam, 0.0, false)]
    [InlineData(OptimizerKind.RMSprop, 0.0, false)]
    [InlineData(OptimizerKind.RMSprop, 0.5, false)]
    public void Every_optimizer_reduces_the_loss(OptimizerKind optimizer, double momentum, bool nesterov)
    {
        using var train = Synthetic.Blobs(150, seed: 4);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 4);
        var options = Options with
        {
            Epochs = 4,
            Optimizer = optimizer,
            Momentum = momentum,
            Nesterov = nesterov,
            LearningRate = optimizer == OptimizerKind.Sgd ? 0.05 : 0.01,
            WeightDecay = 1e-4,
        };

        var result = new Trainer(options).Fit(model, train);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.True(result.Last.TrainLoss < 0.8 * result.Epochs[0].TrainLoss,
            $"{optimizer}: {string.Join(", ", result.Epochs.Select(e => e.TrainLoss))}");
    }

    [Fact]
    public void Weight_decay_shrinks_the_weights()
    {
        double Norm(double decay)
        {
            using var train = Synthetic.Blobs(90, seed: 5);
            using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
            new Trainer(Options with { Optimizer = OptimizerKind.AdamW, WeightDecay = decay, Epochs = 3 }).Fit(model, train);
            using var noGrad = no_grad();
            return model.parameters().Sum(p => p.pow(2).sum().ToDouble());
        }

        Assert.True(Norm(5.0) < 0.9 * Norm(0.0));
    }

    [Fact]
    public void Gradient_clipping_bounds_every_step()
    {
        using var train = Synthetic.Blobs(32, seed: 6);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 6);
        var before = Weights.Of(model);
        const double lr = 0.5, clip = 1e-3;

        // One plain SGD step: the update is lr × gradient, and the clipped gradient's norm is at most `clip`.
        new Trainer(new TrainingOptions { Epochs = 1, BatchSize = 32, LearningRate = lr, Optimizer = OptimizerKind.Sgd, GradientClipNorm = clip })
            .Fit(model, train);

        var after = Weights.Of(model);
        var step = Math.Sqrt(before.Sum(p => p.Value.Zip(after[p.Key], (a, b) => (double)(a - b) * (a - b)).Sum()));
        Assert.InRange(step, 1e-6, lr * clip * 1.001);
    }

    [Fact]
    public void Label_smoothing_changes_the_loss_but_not_the_predictions()
    {
        using var data = Synthetic.Blobs(60, seed: 7);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 7);
        new Trainer(Options with { Epochs = 3 }).Fit(model, data);

        var plain = new Trainer(Options).Evaluate(model, data);
        var smoothed = new Trainer(Options with { LabelSmoothing = 0.2 }).Evaluate(model, data);

        // Smoothing mixes the true-class loss with the mean loss over all classes: (1 − ε)·CE + ε·mean_c(−log p_c).
        double expected;
        using (no_grad())
        {
            model.eval();
            using var logProbabilities = nn.functional.log_softmax(model.call(data.Inputs), 1);
            using var uniform = logProbabilities.mean([1L]).neg().mean();
            expected = 0.8 * plain.Loss + 0.2 * uniform.ToDouble();
        }
        Assert.Equal(plain.Accuracy, smoothed.Accuracy);
        Assert.Equal(plain.Confusion, smoothed.Confusion);
        Assert.Equal(expected, smoothed.Loss, 5);
        new Trainer(Options with { LabelSmoothing = 0.1, Epochs = 1 }).Fit(model, data);
    }

    [Fact]
    public void Mean_squared_error_fits_a_regression_without_class_metrics()
    {
        using var train = Synthetic.Regression(200, seed: 8);
        using var model = Trainer.CreateModel<TinyRegressor, TinyRegressor.Hyperparameters>(TinyRegressor.Hyperparameters.Default, seed: 8);
        var trainer = new Trainer(Options with { Loss = LossKind.MeanSquaredError, Epochs = 8 });

        var result = trainer.Fit(model, train, train);

        Assert.True(result.Last.TrainLoss < 0.2 * result.Epochs[0].TrainLoss, string.Join(", ", result.Epochs.Select(e => e.TrainLoss)));
        Assert.True(double.IsNaN(result.Last.Validation!.Accuracy));
        Assert.Null(result.Last.Validation.Confusion);
    }

    [Fact]
    public void Binary_cross_entropy_learns_a_binary_task_with_a_two_by_two_confusion_matrix()
    {
        using var train = Synthetic.Binary(200, seed: 9);
        using var model = Trainer.CreateModel<TinyRegressor, TinyRegressor.Hyperparameters>(TinyRegressor.Hyperparameters.Default, seed: 9);

        var result = new Trainer(Options with { Loss = LossKind.BinaryCrossEntropy, Epochs = 8, LearningRate = 0.03 }).Fit(model, train, train);

        var validation = result.Last.Validation!;
        Assert.True(validation.Accuracy > 0.9, $"accuracy {validation.Accuracy}");
        Assert.Equal(2, validation.Confusion!.Classes);
        Assert.Equal(200, validation.Confusion.Total);
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_weights()
    {
        using var train = Synthetic.Blobs(90, seed: 10);
        using var validation = Synthetic.Blobs(30, seed: 11);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 10);
        Dictionary<string, float[]>? firstEpoch = null;
        // A MinDelta no change can meet makes epoch 1 the best for good, so the stop epoch is known exactly.
        var options = Options with { Epochs = 20, EarlyStopping = new EarlyStopping { Patience = 2, MinDelta = 1e9 } };

        var result = new Trainer(options).Fit(model, train, validation,
            TrainingCallbacks.OnEpochEnd(report =>
            {
                if (report.Epoch == 1) firstEpoch = Weights.Of(model);
                return EpochDecision.Continue;
            }));

        Assert.Equal(TrainingOutcome.EarlyStopped, result.Outcome);
        Assert.Equal(3, result.Epochs.Count);
        Assert.Equal(1, result.BestEpoch);
        Assert.True(result.RestoredBestWeights);
        Assert.True(Weights.Equal(firstEpoch!, Weights.Of(model)));
        Assert.Contains("did not improve for 2 epochs", result.Message);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch_when_the_metric_improves()
    {
        using var train = Synthetic.Blobs(120, seed: 12);
        using var validation = Synthetic.Blobs(60, seed: 13);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 12);
        var options = Options with { Epochs = 5, EarlyStopping = new EarlyStopping { Monitor = MonitoredMetric.ValidationAccuracy, Patience = 5 } };

        var result = new Trainer(options).Fit(model, train, validation, callback: null);

        var best = result.Epochs.MaxBy(e => e.Validation!.Accuracy)!;
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(best.Validation!.Accuracy, result.Best!.Validation!.Accuracy);
        Assert.Equal(best.Validation.Accuracy, new Trainer(options).Evaluate(model, validation).Accuracy);
    }

    [Fact]
    public void Early_stopping_on_validation_metrics_needs_a_validation_set()
    {
        using var train = Synthetic.Blobs(30, seed: 14);
        using var model = new TinyNet();
        var trainer = new Trainer(Options with { EarlyStopping = new EarlyStopping() });

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(model, train));

        Assert.Contains("ValidationLoss", error.Message);
    }

    [Fact]
    public void The_schedule_sets_the_learning_rate_of_every_step()
    {
        using var train = Synthetic.Blobs(64, seed: 15);
        using var model = new TinyNet();
        var schedule = LearningRateSchedule.Step(everyEpochs: 2, gamma: 0.5);

        var result = new Trainer(Options with { Epochs = 5, BatchSize = 16, LearningRate = 0.1, Schedule = schedule }).Fit(model, train);

        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025], result.Epochs.Select(e => e.LearningRate));
    }

    [Fact]
    public void Callbacks_can_prune_or_stop_after_any_epoch()
    {
        using var train = Synthetic.Blobs(60, seed: 16);
        using var model = new TinyNet();
        var trainer = new Trainer(Options with { Epochs = 10 });

        var pruned = trainer.Fit(model, train, null, TrainingCallbacks.OnEpochEnd(r => r.Epoch == 2 ? EpochDecision.Prune : EpochDecision.Continue));
        var recorder = new RecordingCallback(r => r.Epoch == 3 ? EpochDecision.Stop : EpochDecision.Continue);
        var stopped = trainer.Fit(model, train, null, TrainingCallbacks.Combine(recorder, null));

        Assert.Equal((TrainingOutcome.Pruned, 2), (pruned.Outcome, pruned.Epochs.Count));
        Assert.Equal((TrainingOutcome.StoppedByCallback, 3), (stopped.Outcome, stopped.Epochs.Count));
        Assert.Single(recorder.Starts);
        Assert.Equal(3, recorder.Epochs.Count);
        Assert.Equal(3 * 2, recorder.Batches.Count);
        Assert.Same(stopped, Assert.Single(recorder.Ends));
    }

    [Fact]
    public void Combined_callbacks_all_see_each_epoch_and_the_first_stop_wins()
    {
        using var train = Synthetic.Blobs(30, seed: 17);
        using var model = new TinyNet();
        var first = new RecordingCallback(_ => EpochDecision.Prune);
        var second = new RecordingCallback(_ => EpochDecision.Stop);

        var result = new Trainer(Options).Fit(model, train, null, TrainingCallbacks.Combine(first, second));

        Assert.Equal(TrainingOutcome.Pruned, result.Outcome);
        Assert.Single(first.Epochs);
        Assert.Single(second.Epochs);
    }

    [Fact]
    public void Cancellation_ends_the_run_within_one_batch()
    {
        using var train = Synthetic.Blobs(200, seed: 18);
        using var model = new TinyNet();
        using var cancellation = new CancellationTokenSource();
        var recorder = new RecordingCallback { OnBatch = b => { if (b is { Epoch: 2, Batch: 3 }) cancellation.Cancel(); } };

        var result = new Trainer(Options with { BatchSize = 10 }).Fit(model, train, null, recorder, cancellation.Token);

        Assert.Equal(TrainingOutcome.Cancelled, result.Outcome);
        Assert.Single(result.Epochs);
        Assert.Equal(20 + 3, recorder.Batches.Count);
        Assert.Contains("epoch 2", result.Message);
    }

    [Fact]
    public void A_token_cancelled_before_the_start_trains_nothing()
    {
        using var train = Synthetic.Blobs(30, seed: 19);
        using var model = new TinyNet();

        var result = new Trainer(Options).Fit(model, train, cancellationToken: new CancellationToken(canceled: true));

        Assert.Equal(TrainingOutcome.Cancelled, result.Outcome);
        Assert.Empty(result.Epochs);
        Assert.Throws<InvalidOperationException>(() => result.Last);
    }

    [Fact]
    public void A_nan_loss_ends_the_run_as_diverged_with_finite_weights()
    {
        using var train = Synthetic.Blobs(64, seed: 20);
        using (no_grad()) train.Inputs[40, 2] = tensor(float.NaN);
        using var model = new TinyNet();
        var recorder = new RecordingCallback();

        var result = new Trainer(Options with { BatchSize = 16, Shuffle = false }).Fit(model, train, null, recorder);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Empty(result.Epochs);
        Assert.Equal(2, recorder.Batches.Count);
        Assert.Contains("epoch 1, batch 3", result.Message);
        Assert.All(Weights.Of(model).Values.SelectMany(v => v), w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public void An_exploding_learning_rate_diverges_without_throwing()
    {
        using var train = Synthetic.Blobs(64, seed: 21);
        using var model = new TinyNet();

        var result = new Trainer(Options with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e30, Epochs = 5 }).Fit(model, train);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Contains("became", result.Message);
    }

    [Fact]
    public void A_diverged_run_says_in_which_epoch_and_at_what_learning_rate_and_refuses_to_pass_for_trained()
    {
        using var train = Synthetic.Blobs(64, seed: 21);
        using var model = new TinyNet();

        var result = new Trainer(Options with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e30, Epochs = 5 }).Fit(model, train);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        var divergence = Assert.IsType<TrainingDivergence>(result.Divergence);
        Assert.Equal(1e30, divergence.LearningRate);
        Assert.InRange(divergence.Epoch, 1, 5);
        var thrown = Assert.Throws<TrainingDivergedException>(() => result.EnsureNotDiverged());
        Assert.Same(divergence, thrown.Divergence);
        Assert.StartsWith($"Training diverged in epoch {divergence.Epoch}, batch ", thrown.Message);
        Assert.Contains("(learning rate 1E+30): the training loss became ", thrown.Message);
        Assert.DoesNotContain('\n', thrown.Message);
        Assert.Equal(result.Message, thrown.Message);
    }

    [Fact]
    public void A_run_that_did_not_diverge_passes_EnsureNotDiverged_unchanged()
    {
        using var train = Synthetic.Blobs(64, seed: 21);
        using var model = new TinyNet();

        var result = new Trainer(Options with { Epochs = 1 }).Fit(model, train);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Null(result.Divergence);
        Assert.Same(result, result.EnsureNotDiverged());
    }

    [Fact]
    public void A_last_step_that_leaves_non_finite_weights_ends_the_run_as_diverged_not_completed()
    {
        // One batch per epoch: its loss is finite, and only the step after it blows the first layer's weights up.
        using var blobs = Synthetic.Blobs(16, seed: 23);
        using var train = new TensorDataset(blobs.Inputs.mul(1e18f), blobs.Labels.clone());
        using var model = new TinyNet();

        var result = new Trainer(Options with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e30, Epochs = 1, BatchSize = 16 }).Fit(model, train);

        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Equal(new TrainingDivergence(1, null, 1e30, "parameter fc1.weight became non-finite"), result.Divergence);
        Assert.Throws<TrainingDivergedException>(() => result.EnsureNotDiverged());
    }

    [Fact]
    public void Multi_input_models_train_on_multi_input_datasets()
    {
        using var blobs = Synthetic.Blobs(150, seed: 22);
        using var train = new TensorDataset([blobs.Inputs.clone(), blobs.Inputs.narrow(1, 0, 2).mul(0.5)], blobs.Labels.clone());
        using var model = new TwoInputNet();
        var trainer = new Trainer(Options);

        var result = trainer.Fit(model, train, train);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.True(result.Last.Validation!.Accuracy > 0.9);
        Assert.Equal(result.Last.Validation.Accuracy, trainer.Evaluate(model, train).Accuracy);
        Assert.Throws<InvalidOperationException>(() => train.Inputs);
    }

    [Fact]
    public void Predict_returns_the_model_outputs_for_every_row()
    {
        using var data = Synthetic.Blobs(25, seed: 23);
        using var model = new TinyNet();
        var trainer = new Trainer(Options with { EvaluationBatchSize = 7 });

        using var predicted = trainer.Predict(model, data.Inputs);
        model.eval();
        using var expected = model.call(data.Inputs);

        Assert.Equal([25L, 3L], predicted.shape);
        Assert.True(predicted.allclose(expected));
    }

    [Fact]
    public void The_cpu_device_is_the_default_and_can_be_named()
    {
        using var train = Synthetic.Blobs(30, seed: 24);
        using var model = new TinyNet();

        Assert.Equal(DeviceType.CPU, new Trainer().Device.type);
        var result = new Trainer(Options with { Device = CPU, Epochs = 1 }).Fit(model, train);
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
    }

    [CudaFact]
    public void Training_runs_on_cuda_when_a_gpu_is_present()
    {
        using var train = Synthetic.Blobs(90, seed: 25);
        using var model = new TinyNet();

        var result = new Trainer(Options with { Device = CUDA }).Fit(model, train, train);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(DeviceType.CUDA, model.parameters().First().device_type);
        Assert.True(result.Last.Validation!.Accuracy > 0.9);
    }
}

/// <summary>A fact that is skipped, not failed, on a machine without a CUDA device.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!cuda.is_available()) Skip = "No CUDA device here (TorchSharp sees none).";
    }
}
