using Dsl.Checkpoints;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;

namespace Dsl.Runtime.Tests.Checkpoints;

[Collection(TorchTrainingCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("dsl-resume-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static TrainingOptions Options(string checkpoint, EarlyStopping? earlyStopping = null) => new()
    {
        Epochs = 4,
        BatchSize = 16,
        LearningRate = 0.01,
        Seed = 11,
        Schedule = LearningRateSchedule.Cosine().WithWarmup(epochs: 1),
        CheckpointPath = checkpoint,
        EarlyStopping = earlyStopping,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_resumed_run_equals_an_uninterrupted_one(bool earlyStopping)
    {
        using var train = Synthetic.Blobs(96, seed: 1, spread: 1.5);
        using var validation = Synthetic.Blobs(48, seed: 2, spread: 1.5);
        var stopping = earlyStopping ? new EarlyStopping { Monitor = MonitoredMetric.ValidationLoss, Patience = 10 } : null;
        var straightPath = Path.Combine(directory, "straight.ckpt");
        var resumedPath = Path.Combine(directory, "resumed.ckpt");

        using var straight = Trainer.CreateModel<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(TinyDropoutNet.Hyperparameters.Default, seed: 5);
        var expected = new Trainer(Options(straightPath, stopping)).Fit(straight, train, validation, callback: null);

        using (var interrupted = Trainer.CreateModel<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(TinyDropoutNet.Hyperparameters.Default, seed: 5))
        {
            var half = new Trainer(Options(resumedPath, stopping)).Fit(interrupted, train, validation,
                TrainingCallbacks.OnEpochEnd(r => r.Epoch == 2 ? EpochDecision.Stop : EpochDecision.Continue));
            Assert.Equal(2, half.Epochs.Count);
        }
        Assert.True(Checkpoint.ReadMetadata(resumedPath).IsResumable);
        Assert.Equal(2, Checkpoint.ReadMetadata(resumedPath).Epoch);

        // A fresh process would rebuild the model from the checkpoint; its weights are then replaced by Resume anyway.
        using var resumedModel = Checkpoint.Load<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(resumedPath);
        var recorder = new RecordingCallback();
        var resumed = new Trainer(Options(resumedPath, stopping)).Resume(resumedModel, resumedPath, train, validation, recorder);

        Assert.Equal(3, Assert.Single(recorder.Starts).FirstEpoch);
        Assert.Equal([3, 4], recorder.Epochs.Select(e => e.Epoch));
        Assert.Equal(expected.Epochs.Select(e => (e.TrainLoss, e.LearningRate, e.Validation!.Loss)), resumed.Epochs.Select(e => (e.TrainLoss, e.LearningRate, e.Validation!.Loss)));
        Assert.Equal(expected.BestEpoch, resumed.BestEpoch);
        Assert.True(Weights.Equal(Weights.Of(straight), Weights.Of(resumedModel)));
        Assert.Equal(earlyStopping, File.Exists(Checkpoint.BestWeightsPath(resumedPath)));
        Assert.True(File.Exists(Checkpoint.OptimizerPath(resumedPath)));
    }

    [Fact]
    public void A_weights_only_checkpoint_cannot_be_resumed()
    {
        using var train = Synthetic.Blobs(30, seed: 1);
        using var model = new TinyNet();
        var path = Path.Combine(directory, "weights.ckpt");
        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(model, path);

        var error = Assert.Throws<CheckpointException>(() => new Trainer().Resume(model, path, train));

        Assert.Contains("cannot be resumed", error.Message);
    }

    [Fact]
    public void Resuming_with_another_optimizer_is_refused()
    {
        using var train = Synthetic.Blobs(30, seed: 1);
        using var model = new TinyNet();
        var path = Path.Combine(directory, "adam.ckpt");
        new Trainer(new TrainingOptions { Epochs = 1, CheckpointPath = path }).Fit(model, train);

        var error = Assert.Throws<CheckpointException>(() =>
            new Trainer(new TrainingOptions { Epochs = 2, Optimizer = OptimizerKind.Sgd }).Resume(model, path, train));

        Assert.Contains("trained with Adam, but the options say Sgd", error.Message);
    }

    [Fact]
    public void Resuming_another_model_type_is_refused()
    {
        using var train = Synthetic.Blobs(30, seed: 1);
        using var model = new TinyNet();
        var path = Path.Combine(directory, "tiny.ckpt");
        new Trainer(new TrainingOptions { Epochs = 1, CheckpointPath = path }).Fit(model, train);
        using var other = new TinyDropoutNet();

        var error = Assert.Throws<CheckpointException>(() => new Trainer(new TrainingOptions { Epochs = 2 }).Resume(other, path, train));

        Assert.Contains("TinyDropoutNet", error.Message);
    }
}
