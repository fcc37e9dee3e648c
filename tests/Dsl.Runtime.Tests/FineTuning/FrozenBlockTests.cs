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

/// <summary>A [Frozen] Repeat body, and a [Frozen] branch whose Residual projects (4 to 6), so its wrapper holds a shortcut.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class FrozenWrappersNet
{
    [Dsl.Frozen, Dsl.Linear(4)] private partial Tensor Block(Tensor x);
    [Dsl.Linear(6)] private partial Tensor Widen(Tensor x);
    [Dsl.Frozen, Dsl.Residual(nameof(Widen))] private partial Tensor Projected(Tensor x);
    [Dsl.Linear(6)] private partial Tensor Side(Tensor x);

    [Dsl.Repeat(nameof(Block), 2), Dsl.Fuse(Dsl.FusionKind.Concat, nameof(Projected), nameof(Side)), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>Declares a frozen module it does not have, as code generated for another version of the runtime could.</summary>
[FrozenModulesAttribute("stem")]
internal sealed class MismatchedNet : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear fc1 = nn.Linear(4, 3);

    public MismatchedNet() : base(nameof(MismatchedNet)) => RegisterComponents();

    public override Tensor forward(Tensor input) => fc1.call(input);
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
            FrozenModuleReader.Of(model));

        // A generated model inside another module, such as an ensemble's member.
        using var wrapper = nn.Sequential(("member", (nn.Module<Tensor, Tensor>)new FrozenBranchNet()));
        Assert.Equal(["member.pretrained_fc1", "member.pretrained_bn1", "member.refine.body"], FrozenModuleReader.Of(wrapper).Select(m => m.Name));
        Assert.True(new FrozenModule("member.refine.body", false).Holds("member.refine.body.fc1.weight"));
        Assert.False(new FrozenModule("pretrained_fc1", false).Holds("pretrained_fc10.weight"));
    }

    [Fact]
    public void Every_declared_module_exists_and_a_frozen_Repeat_body_and_projecting_Residual_keep_their_weights()
    {
        using var data = Synthetic.Blobs(96, seed: 1);
        using var model = Trainer.CreateModel<FrozenWrappersNet, FrozenWrappersNet.Hyperparameters>(FrozenWrappersNet.Hyperparameters.Default, seed: 5);
        var declared = FrozenModuleReader.Of(model).Select(m => m.Name).ToArray();
        Assert.Equal(["block", "projected_widen.shortcut", "projected_widen.body"], declared);
        var modules = model.named_modules().Select(m => m.name).ToHashSet(StringComparer.Ordinal);
        Assert.All(declared, name => Assert.Contains(name, modules));
        var before = FreezingTests.State(model);

        new Trainer(Options).Fit(model, data);

        var after = FreezingTests.State(model);
        var frozen = before.Keys.Where(key => declared.Any(name => new FrozenModule(name, false).Holds(key))).ToArray();
        Assert.Contains(frozen, key => key.StartsWith("block.", StringComparison.Ordinal));
        Assert.Contains(frozen, key => key.StartsWith("projected_widen.shortcut.", StringComparison.Ordinal));
        Assert.Contains(frozen, key => key.StartsWith("projected_widen.body.", StringComparison.Ordinal));
        Assert.All(frozen, key => Assert.Equal(before[key], after[key]));
        Assert.NotEqual(before["side_fc1.weight"], after["side_fc1.weight"]);
    }

    [Fact]
    public void A_declared_frozen_module_the_model_lacks_is_a_generator_runtime_mismatch()
    {
        using var model = new MismatchedNet();

        var error = Assert.Throws<InvalidOperationException>(() => LayerFreezing.For(Options, model, nameof(MismatchedNet)));

        Assert.Contains("MismatchedNet declares the [Frozen] module 'stem', but has no module of that name", error.Message);
        Assert.Contains("generator/runtime mismatch", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
