using Dsl;
using Dsl.Layers;
using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Layers;

/// <summary>A generated two-input model: an image branch and a vector branch, merged by a searchable fusion op.</summary>
[Model(Outputs = 3)]
public partial class TwoInputProbe
{
    [Hyperparameter(Default = FusionKind.Concat)] public partial FusionKind Merge { get; }

    [Conv2d(4, 3, Padding = 1), Activate(Activation.ReLU), MaxPool2d(2), Flatten]
    private partial Tensor Picture(Tensor image);

    [Linear(16), Activate(Activation.Tanh)]
    private partial Tensor Numbers(Tensor table);

    [Fuse(nameof(Merge), nameof(Picture), nameof(Numbers), Width = 16), Linear(3)]
    public partial Tensor Forward([Shape(1, 6, 6)] Tensor image, [Shape(5)] Tensor table);
}

/// <summary>A generated residual stack whose depth is a hyperparameter.</summary>
[Model(Input = new[] { 6 }, Outputs = 2)]
public partial class ResidualProbe
{
    [Hyperparameter(1, 4, Default = 3)] public partial int Depth { get; }

    [Linear(12), Activate(Activation.ReLU)] private partial Tensor Widen(Tensor x);
    [Linear(12), Activate(Activation.GELU)] private partial Tensor Block(Tensor x);

    [Residual(nameof(Widen)), Repeat(nameof(Block), nameof(Depth)), Linear(2)]
    public partial Tensor Forward(Tensor x);
}

public class StructureModulesTests
{
    [Theory]
    [InlineData(FusionKind.Concat, 20)]
    [InlineData(FusionKind.Sum, 8)]
    [InlineData(FusionKind.Mean, 8)]
    [InlineData(FusionKind.WeightedSum, 8)]
    [InlineData(FusionKind.Attention, 8)]
    [InlineData(FusionKind.Gated, 8)]
    public void FusionProducesItsWidthAndPassesGradientsToEveryBranch(FusionKind kind, long width)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var fusion = new Fusion(kind, [8, 8, 4], 8);
        var branches = new[] { randn(5, 8, requires_grad: true), randn(5, 8, requires_grad: true), randn(5, 4, requires_grad: true) };
        var output = fusion.call(branches);
        Assert.Equal(new long[] { 5, width }, output.shape);
        Assert.Equal(width, fusion.OutputWidth);
        output.sum().backward();
        Assert.All(branches, b => Assert.True(b.grad is not null && b.grad.abs().sum().item<float>() > 0));
    }

    [Fact]
    public void ConcatAndUntrainedWeightedSumHaveTheirTextbookMeaning()
    {
        using var scope = NewDisposeScope();
        var a = randn(3, 4);
        var b = randn(3, 4);
        using var concat = new Fusion(FusionKind.Concat, [4, 4], 4);
        Assert.True(concat.call([a, b]).allclose(cat([a, b], 1), rtol: 0, atol: 0));
        // Equal widths need no projection, and zero logits weigh every branch equally: the mean.
        using var weighted = new Fusion(FusionKind.WeightedSum, [4, 4], 4);
        Assert.True(weighted.call([a, b]).allclose((a + b) / 2, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void ResidualAddsItsInputAndRepeatBuildsIndependentCopies()
    {
        using var scope = NewDisposeScope();
        using var model = new ResidualProbe();
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("widen.body.fc1.weight", keys);
        Assert.Contains("widen.shortcut.weight", keys); // 6 -> 12 needs a projection
        Assert.Contains("block.2.fc1.weight", keys);    // Depth = 3 copies
        Assert.DoesNotContain("block.3.fc1.weight", keys);
        Assert.False(model.state_dict()["block.0.fc1.weight"].allclose(model.state_dict()["block.1.fc1.weight"]));
        Assert.Equal(new long[] { 4, 2 }, model.call(randn(4, 6)).shape);
    }

    [Fact]
    public void GeneratedTwoInputModelLearnsASeparableTask()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        // The class is visible in the table input alone, so a working fusion learns it quickly.
        var labels = arange(96).remainder(3);
        var table = nn.functional.one_hot(labels, 3).to_type(ScalarType.Float32).repeat(1, 2)[.., ..5] + randn(96, 5) * 0.1f;
        var images = randn(96, 1, 6, 6);
        using var data = new TensorDataset([images, table], labels);
        foreach (var merge in Enum.GetValues<FusionKind>())
        {
            using var model = Trainer.CreateModel<TwoInputProbe, TwoInputProbe.Hyperparameters>(new TwoInputProbe.Hyperparameters { Merge = merge }, seed: 0);
            var trainer = new Trainer(new TrainingOptions { Epochs = 15, BatchSize = 32, LearningRate = 1e-2 });
            var result = trainer.Fit(model, data);
            Assert.True(result.Last.TrainLoss < 0.5, $"{merge}: final train loss {result.Last.TrainLoss}");
            Assert.True(trainer.Evaluate(model, data).Accuracy > 0.9, $"{merge} did not learn");
        }
    }
}
