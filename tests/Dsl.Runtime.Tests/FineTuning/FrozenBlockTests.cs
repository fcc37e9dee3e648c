using Dsl.FineTuning;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.FineTuning;

/// <summary>A fusion of a [Frozen] branch that holds a BatchNorm and a fresh branch, then a [Frozen] Residual body and a head.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class FrozenBranchNet
{
    [Dsl.Frozen, Dsl.Linear(6), Dsl.BatchNorm1d] private partial Tensor Pretrained(Tensor x);
    [Dsl.Linear(6)] private partial Tensor Fresh(Tensor x);
    [Dsl.Frozen, Dsl.Linear(12)] private partial Tensor Refine(Tensor x);

    [Dsl.Fuse(Dsl.FusionKind.Concat, nameof(Pretrained), nameof(Fresh)), Dsl.Residual(nameof(Refine)), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>A [Frozen(TrainBatchNorm = true)] branch: its BatchNorm statistics update, its weights do not.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class FrozenStatisticsNet
{
    [Dsl.Frozen(TrainBatchNorm = true), Dsl.Linear(6), Dsl.BatchNorm1d] private partial Tensor Pretrained(Tensor x);
    [Dsl.Linear(6)] private partial Tensor Fresh(Tensor x);

    [Dsl.Fuse(Dsl.FusionKind.Concat, nameof(Pretrained), nameof(Fresh)), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

[Collection(TorchTrainingCollection.Name)]
public sealed class FrozenBlockTests
{
    private static readonly TrainingOptions Options = new() { Epochs = 2, BatchSize = 16, LearningRate = 0.05, Seed = 2 };

    private static readonly string[] FrozenEntries =
    [
        "pretrained_fc1.weight", "pretrained_fc1.bias", "pretrained_bn1.weight", "pretrained_bn1.bias",
        "pretrained_bn1.running_mean", "pretrained_bn1.running_var", "refine.body.fc1.weight", "refine.body.fc1.bias",
    ];

    private static FrozenBranchNet NewBranchNet() =>
        Trainer.CreateModel<FrozenBranchNet, FrozenBranchNet.Hyperparameters>(FrozenBranchNet.Hyperparameters.Default, seed: 5);

    [Fact]
    public void A_frozen_block_keeps_its_weights_and_BatchNorm_statistics_while_the_others_train()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = NewBranchNet();
        var before = FreezingTests.State(model);

        new Trainer(Options with { WeightDecay = 0.01 }).Fit(model, data);

        var after = FreezingTests.State(model);
        Assert.All(FrozenEntries, key => Assert.Equal(before[key], after[key]));
        Assert.NotEqual(before["fresh_fc1.weight"], after["fresh_fc1.weight"]);
        Assert.NotEqual(before["fc1.weight"], after["fc1.weight"]);
        // The model leaves the run trainable again.
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void TrainBatchNorm_lets_a_frozen_blocks_statistics_update_while_its_weights_stay()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<FrozenStatisticsNet, FrozenStatisticsNet.Hyperparameters>(FrozenStatisticsNet.Hyperparameters.Default, seed: 5);
        var before = FreezingTests.State(model);

        new Trainer(Options).Fit(model, data);

        var after = FreezingTests.State(model);
        Assert.NotEqual(before["pretrained_bn1.running_mean"], after["pretrained_bn1.running_mean"]);
        Assert.All(["pretrained_fc1.weight", "pretrained_bn1.weight", "pretrained_bn1.bias"], key => Assert.Equal(before[key], after[key]));
        Assert.NotEqual(before["fresh_fc1.weight"], after["fresh_fc1.weight"]);
    }

    [Fact]
    public void TrainFrozenBlocks_trains_the_frozen_blocks_too()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = NewBranchNet();
        var before = FreezingTests.State(model);

        new Trainer(Options with { TrainFrozenBlocks = true }).Fit(model, data);

        var after = FreezingTests.State(model);
        Assert.All(["pretrained_fc1.weight", "pretrained_bn1.running_mean", "refine.body.fc1.weight"], key => Assert.NotEqual(before[key], after[key]));
    }

    [Fact]
    public void FreezeLayers_adds_to_the_frozen_blocks_and_a_model_left_with_nothing_to_train_says_why()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = NewBranchNet();
        var before = FreezingTests.State(model);

        new Trainer(Options with { FreezeLayers = "fresh_fc1" }).Fit(model, data);

        var after = FreezingTests.State(model);
        Assert.All(FrozenEntries.Append("fresh_fc1.weight"), key => Assert.Equal(before[key], after[key]));
        Assert.NotEqual(before["fc1.weight"], after["fc1.weight"]);

        var error = Assert.Throws<ArgumentException>(() => new Trainer(Options with { FreezeLayers = "fresh_fc1,fc1" }).Fit(model, data));
        Assert.Contains("FrozenBranchNet has no trainable parameters left after FreezeLayers 'fresh_fc1,fc1' and its [Frozen] blocks", error.Message);
    }

    [Fact]
    public void The_frozen_modules_are_named_from_the_root_of_the_module_that_trains()
    {
        using var model = new FrozenBranchNet();
        Assert.Equal(
            [new FrozenModule("pretrained_fc1", false), new FrozenModule("pretrained_bn1", false), new FrozenModule("refine.body", false)],
            FrozenModules.Of(model));

        // A generated model inside another module, such as an ensemble's member.
        using var wrapper = nn.Sequential(("member", (nn.Module<Tensor, Tensor>)new FrozenBranchNet()));
        Assert.Equal(["member.pretrained_fc1", "member.pretrained_bn1", "member.refine.body"], FrozenModules.Of(wrapper).Select(m => m.Name));
        Assert.True(new FrozenModule("member.refine.body", false).Holds("member.refine.body.fc1.weight"));
        Assert.False(new FrozenModule("pretrained_fc1", false).Holds("pretrained_fc10.weight"));
    }
}
