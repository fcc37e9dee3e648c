using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.ModelFusion;

/// <summary>A tiny generated classifier with a BatchNorm, so soups carry running statistics and an integer buffer.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class TinyBatchNormNet
{
    [Dsl.Hyperparameter(4, 16, Default = 8)]
    public partial int Hidden { get; }

    [Dsl.Linear(nameof(Hidden)), Dsl.BatchNorm1d, Dsl.Activate(Dsl.Activation.ReLU), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>A hand-written Linear → BatchNorm → ReLU → Linear net whose layers the tests can reach, to recompute statistics by hand.</summary>
public sealed class HandBatchNormNet : nn.Module<Tensor, Tensor>
{
    public HandBatchNormNet() : base(nameof(HandBatchNormNet))
    {
        Stem = nn.Linear(4, 6);
        Norm = nn.BatchNorm1d(6);
        Head = nn.Linear(6, 3);
        RegisterComponents();
    }

    public TorchSharp.Modules.Linear Stem { get; }

    public TorchSharp.Modules.BatchNorm1d Norm { get; }

    public TorchSharp.Modules.Linear Head { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Head.call(nn.functional.relu(Norm.call(Stem.call(x)))).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stem.Dispose();
            Norm.Dispose();
            Head.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

internal static class SoupsTestKit
{
    /// <summary>Every state-dict entry of <paramref name="a"/> equals <paramref name="b"/>'s, bit for bit.</summary>
    public static void AssertSameState(nn.Module a, nn.Module b)
    {
        var left = a.state_dict();
        var right = b.state_dict();
        Assert.Equal(left.Keys, right.Keys);
        foreach (var (key, value) in left)
        {
            using var same = value.eq(right[key]).all();
            Assert.True(same.item<bool>(), $"State-dict entry '{key}' differs.");
        }
    }

    /// <summary>Statistics of the BatchNorm input of <paramref name="net"/> over all of <paramref name="x"/>: mean and unbiased variance per feature.</summary>
    public static (float[] Mean, float[] Variance) StemStatistics(HandBatchNormNet net, Tensor x)
    {
        using var noGrad = no_grad();
        using var features = net.Stem.call(x).to(ScalarType.Float64);
        using var mean = features.mean([0L]);
        using var variance = features.var(0, unbiased: true);
        using var mean32 = mean.to(ScalarType.Float32);
        using var variance32 = variance.to(ScalarType.Float32);
        return (mean32.data<float>().ToArray(), variance32.data<float>().ToArray());
    }

    public static float[] Values(Tensor t)
    {
        using var cpu = t.detach().cpu();
        return cpu.data<float>().ToArray();
    }

    public static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"Entry {i}: expected {expected[i]}, got {actual[i]}.");
    }

    /// <summary>A TinyNet trained briefly on blobs: the shared initialisation the soup's members are fine-tuned from.</summary>
    public static TinyNet TrainedBase(TensorDataset train)
    {
        var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(new TinyNet.Hyperparameters(), seed: 1);
        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 0.02, Seed = 1 }).Fit(model, train);
        return model;
    }

    /// <summary>A new model of <paramref name="source"/>'s type with its weights, plus Gaussian noise of <paramref name="noise"/> std when given.</summary>
    public static TModel CopyOf<TModel>(TModel source, Func<TModel> create, double noise = 0, int seed = 0) where TModel : nn.Module
    {
        var copy = create();
        using var noGrad = no_grad();
        var target = copy.state_dict();
        var generator = new Generator((ulong)seed);
        foreach (var (key, value) in source.state_dict())
        {
            target[key].copy_(value);
            if (noise > 0 && value.is_floating_point())
            {
                using var delta = randn(value.shape, generator: generator).mul_(noise);
                target[key].add_(delta);
            }
        }
        return copy;
    }
}
