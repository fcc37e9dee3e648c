using Dsl.Runtime.Tests.Training;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Sweeps;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>A generated two-input model: each half of a blob's features through its own branch, merged by a searchable fusion op.</summary>
[Dsl.Model(Outputs = 3)]
public partial class TwoHalvesNet
{
    [Dsl.Hyperparameter(Default = Dsl.FusionKind.Concat)] public partial Dsl.FusionKind Merge { get; }

    [Dsl.Linear(8), Dsl.Activate(Dsl.Activation.ReLU)]
    private partial Tensor Front(Tensor front);

    [Dsl.Linear(8), Dsl.Activate(Dsl.Activation.ReLU)]
    private partial Tensor Back(Tensor back);

    [Dsl.Fuse(nameof(Merge), nameof(Front), nameof(Back), Width = 8), Dsl.Linear(3)]
    public partial Tensor Forward([Dsl.Shape(2)] Tensor front, [Dsl.Shape(2)] Tensor back);
}

/// <summary>The generated sweep over it: the fusion op and the learning rate are searched together.</summary>
[Dsl.Sweep(typeof(TwoHalvesNet), Epochs = 2)]
public partial class TwoHalvesSweep
{
    [Dsl.Hyperparameter(1e-2, 1e-1, Log = true, Default = 0.05)] public partial double LearningRate { get; }
}

[Collection(TorchTrainingCollection.Name)]
public sealed class MultiInputSweepTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static TensorDataset Halves(int count, int seed)
    {
        using var blobs = Synthetic.Blobs(count, seed, spread: 1.2);
        var x = blobs.Inputs;
        return new TensorDataset([x[.., ..2].clone(), x[.., 2..].clone()], blobs.Labels.clone());
    }

    [Fact]
    public async Task A_two_input_model_sweeps_over_its_fusion_op_and_its_best_reloads()
    {
        using var data = new SweepData(Halves(96, 1), Halves(48, 2), Halves(48, 3));
        var options = SweepKit.Options(folder.Path, trials: 6) with
        {
            Sampler = Samplers.Grid(values: new Dictionary<string, IReadOnlyList<object>> { ["LearningRate"] = [0.05] }),
        };

        var result = await TwoHalvesSweep.RunAsync(data, options);

        Assert.Equal(6, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(Enum.GetValues<Dsl.FusionKind>().Order(), result.Trials.Select(t => (Dsl.FusionKind)t.Parameters["Merge"]).Order());
        using var model = result.LoadBestModel();
        Assert.Equal(result.Best.Model, model.HyperparameterValues);
        var trainer = new Trainer();
        Assert.Equal(result.Best.Value, trainer.Evaluate(model, data.Validation).Accuracy);
        Assert.Equal(result.TestEvaluation!.Accuracy, trainer.Evaluate(model, data.Test!).Accuracy);
    }
}
