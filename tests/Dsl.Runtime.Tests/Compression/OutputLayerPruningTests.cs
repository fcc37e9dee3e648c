using Dsl.Compression;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Compression;

/// <summary>A generated model whose Forward layers register before its branches': its output layer (fc1) is not its last weight.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class TwoTowerNet
{
    [Dsl.Linear(8), Dsl.Activate(Dsl.Activation.ReLU)]
    private partial Tensor Tower(Tensor x);

    [Dsl.Linear(8)]
    private partial Tensor Skip(Tensor x);

    [Dsl.Fuse(Dsl.FusionKind.Concat, nameof(Tower), nameof(Skip)), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>Two generated models side by side in a hand-written module, as an ensemble holds its members.</summary>
internal sealed class TwoMembers : nn.Module<Tensor, Tensor>
{
    private readonly TwoTowerNet first = new();
    private readonly TwoTowerNet second = new();

    public TwoMembers() : base(nameof(TwoMembers)) => RegisterComponents();

    public override Tensor forward(Tensor x) => (first.call(x) + second.call(x)) / 2;
}

[Collection(TorchTrainingCollection.Name)]
public sealed class OutputLayerPruningTests
{
    [Fact]
    public void Structured_pruning_in_training_keeps_every_output_of_a_multi_block_model_and_prunes_its_branches()
    {
        using var data = Synthetic.Blobs(48, seed: 1);
        using var model = Trainer.CreateModel<TwoTowerNet, TwoTowerNet.Hyperparameters>(TwoTowerNet.Hyperparameters.Default, seed: 5);

        var result = new Trainer(new TrainingOptions
        {
            Epochs = 2, BatchSize = 16, Seed = 1, PruneTargetSparsity = 0.5, PruneMethod = PruningMethod.Structured,
        }).Fit(model, data);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(["skip_fc1.weight", "tower_fc1.weight"], result.Epochs[^1].Sparsity!.Layers.Keys.Order());
        AssertOutputsKept(model, "");
    }

    [Fact]
    public void Sparsity_Prune_structured_keeps_the_output_layers_of_every_generated_model_inside_a_hand_written_one()
    {
        using var single = new TwoTowerNet();
        var report = Sparsity.Prune(single, 0.5, PruningMethod.Structured);

        Assert.Equal(["skip_fc1.weight", "tower_fc1.weight"], report.Layers.Keys.Order());
        AssertOutputsKept(single, "");

        using var members = new TwoMembers();
        var nested = Sparsity.Prune(members, 0.5, PruningMethod.Structured);

        Assert.DoesNotContain(nested.Layers.Keys, name => name.EndsWith(".fc1.weight", StringComparison.Ordinal) && !name.Contains("_fc1"));
        AssertOutputsKept(members, "first.");
        AssertOutputsKept(members, "second.");
    }

    /// <summary>Every output row of the model's output layer keeps weights, while the branch layers lost half their rows.</summary>
    private static void AssertOutputsKept(nn.Module model, string prefix)
    {
        var state = model.state_dict();
        using var outputRows = state[prefix + "fc1.weight"].abs().sum(1);
        Assert.All(outputRows.data<float>().ToArray(), norm => Assert.NotEqual(0f, norm));
        foreach (var branch in new[] { "tower_fc1.weight", "skip_fc1.weight" })
        {
            using var rows = state[prefix + branch].abs().sum(1);
            Assert.Equal(4, rows.data<float>().ToArray().Count(norm => norm == 0f));
        }
    }
}
