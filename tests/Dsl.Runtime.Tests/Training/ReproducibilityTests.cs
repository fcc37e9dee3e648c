using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

[Collection(TorchTrainingCollection.Name)]
public sealed class ReproducibilityTests
{
    private static (TrainingResult Result, Dictionary<string, float[]> Weights) Run(int modelSeed, int trainerSeed)
    {
        using var train = Synthetic.Blobs(120, seed: 1, spread: 1.2);
        using var validation = Synthetic.Blobs(60, seed: 2, spread: 1.2);
        using var model = Trainer.CreateModel<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(TinyDropoutNet.Hyperparameters.Default, modelSeed);
        var options = new TrainingOptions
        {
            Epochs = 3,
            BatchSize = 16,
            LearningRate = 0.01,
            Seed = trainerSeed,
            Schedule = LearningRateSchedule.Cosine().WithWarmup(epochs: 0.5),
            GradientClipNorm = 1.0,
        };
        var result = new Trainer(options).Fit(model, train, validation);
        return (result, Weights.Of(model));
    }

    private static IEnumerable<long> Bits(TrainingResult result) =>
        result.Epochs.SelectMany(e => new[] { e.TrainLoss, e.LearningRate, e.Validation!.Loss, e.Validation.Accuracy, e.Validation.MacroF1 })
            .Select(BitConverter.DoubleToInt64Bits);

    [Fact]
    public void The_same_seed_gives_bit_identical_metrics_and_weights()
    {
        var threads = get_num_threads();
        var first = Run(modelSeed: 7, trainerSeed: 7);
        var second = Run(modelSeed: 7, trainerSeed: 7);

        Assert.Equal(threads, get_num_threads());
        Assert.Equal(Bits(first.Result), Bits(second.Result));
        Assert.Equal(first.Result.Epochs.Select(e => e.Validation!.Confusion), second.Result.Epochs.Select(e => e.Validation!.Confusion));
        Assert.True(Weights.Equal(first.Weights, second.Weights));
    }

    [Fact]
    public void Another_trainer_seed_changes_shuffles_and_dropout()
    {
        var first = Run(modelSeed: 7, trainerSeed: 7);
        var other = Run(modelSeed: 7, trainerSeed: 8);

        Assert.NotEqual(Bits(first.Result), Bits(other.Result));
        Assert.False(Weights.Equal(first.Weights, other.Weights));
    }

    [Fact]
    public void Another_model_seed_changes_the_initial_weights()
    {
        using var a = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 1);
        using var b = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 1);
        using var c = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 2);

        Assert.True(Weights.Equal(Weights.Of(a), Weights.Of(b)));
        Assert.False(Weights.Equal(Weights.Of(a), Weights.Of(c)));
    }
}
