using Dsl.FineTuning;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.FineTuning;

[Collection(TorchTrainingCollection.Name)]
public sealed class FreezingTests
{
    private static readonly TrainingOptions Options = new() { Epochs = 2, BatchSize = 16, LearningRate = 0.05, Seed = 2 };

    [Fact]
    public void A_frozen_layer_keeps_its_weights_and_the_others_train()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var before = State(model);

        new Trainer(Options with { FreezeLayers = "fc1", WeightDecay = 0.01 }).Fit(model, data);

        var after = State(model);
        Assert.Equal(before["fc1.weight"], after["fc1.weight"]);
        Assert.Equal(before["fc1.bias"], after["fc1.bias"]);
        Assert.NotEqual(before["fc2.weight"], after["fc2.weight"]);
        // The model leaves the run trainable again.
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Frozen_BatchNorm_layers_keep_their_running_statistics_with_FreezeBatchNorm_and_update_them_without(bool swa)
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        var names = TinyBatchNormNetNames();
        var batchNorm = names.Single(n => n.EndsWith(".running_mean", StringComparison.Ordinal))[..^".running_mean".Length];
        var pattern = "fc1," + batchNorm;

        using var kept = Trainer.CreateModel<TinyBatchNormNet, TinyBatchNormNet.Hyperparameters>(TinyBatchNormNet.Hyperparameters.Default, seed: 5);
        var before = State(kept);
        // SWA recomputes the BatchNorm statistics after its last epoch; the frozen ones must be spared.
        new Trainer(Options with { FreezeLayers = pattern, FreezeBatchNorm = true, Swa = swa }).Fit(kept, data);
        var after = State(kept);
        Assert.Equal(before[batchNorm + ".running_mean"], after[batchNorm + ".running_mean"]);
        Assert.Equal(before[batchNorm + ".running_var"], after[batchNorm + ".running_var"]);
        Assert.Equal(before[batchNorm + ".weight"], after[batchNorm + ".weight"]);

        using var updated = Trainer.CreateModel<TinyBatchNormNet, TinyBatchNormNet.Hyperparameters>(TinyBatchNormNet.Hyperparameters.Default, seed: 5);
        new Trainer(Options with { FreezeLayers = pattern, Swa = swa }).Fit(updated, data);
        Assert.NotEqual(before[batchNorm + ".running_mean"], State(updated)[batchNorm + ".running_mean"]);
    }

    [Fact]
    public void Head_layers_train_at_their_own_learning_rate()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var before = State(model);

        // A base rate too small to move a float32 weight: only the head's own rate trains.
        new Trainer(Options with { Optimizer = OptimizerKind.Sgd, LearningRate = 1e-12, HeadLayers = "fc2", HeadLearningRate = 0.1 }).Fit(model, data);

        var after = State(model);
        Assert.Equal(before["fc1.weight"], after["fc1.weight"]);
        Assert.NotEqual(before["fc2.weight"], after["fc2.weight"]);
    }

    [Theory]
    [InlineData("fc1", "fc1.weight", true)]
    [InlineData("fc1", "fc10.weight", false)]
    [InlineData("fc*", "fc10.bias", true)]
    [InlineData("stem.?.weight", "stem.0.weight", true)]
    [InlineData("conv1, fc2", "fc2.bias", true)]
    [InlineData("bn", "bn1.weight", false)]
    public void Layer_patterns_match_whole_names_or_module_prefixes(string pattern, string name, bool matches) =>
        Assert.Equal(matches, LayerPattern.Parse(pattern).Matches(name));

    [Fact]
    public void A_pattern_that_selects_nothing_names_the_parameters_there_are()
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);

        var error = Assert.Throws<ArgumentException>(() => new Trainer(Options with { FreezeLayers = "stem*" }).Fit(model, data));

        Assert.Contains("FreezeLayers 'stem*' selects no parameter", error.Message);
        Assert.Contains("fc1.weight, fc1.bias, fc2.weight, fc2.bias", error.Message);
        Assert.Contains("FreezeBatchNorm", Assert.Throws<ArgumentException>(() => new Trainer(Options with { FreezeBatchNorm = true })).Message);
        Assert.Contains("HeadLayers is null", Assert.Throws<ArgumentException>(() => new Trainer(Options with { HeadLearningRate = 0.1 })).Message);
        Assert.Contains("no trainable parameters left", Assert.Throws<ArgumentException>(() => new Trainer(Options with { FreezeLayers = "*" }).Fit(model, data)).Message);
    }

    private static string[] TinyBatchNormNetNames()
    {
        using var model = new TinyBatchNormNet(TinyBatchNormNet.Hyperparameters.Default);
        return model.state_dict().Keys.ToArray();
    }

    internal static Dictionary<string, float[]> State(nn.Module model) =>
        model.state_dict().Where(p => p.Value.dtype == ScalarType.Float32).ToDictionary(p => p.Key, p =>
        {
            using var values = p.Value.detach().cpu();
            return values.data<float>().ToArray();
        });
}
