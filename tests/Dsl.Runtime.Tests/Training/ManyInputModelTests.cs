using Dsl.Checkpoints;
using Dsl.CommandLine;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

/// <summary>A generated three-input model: a blob's features split 2 + 1 + 1, each through its own branch, concatenated.</summary>
[Dsl.Model(Outputs = 3)]
public partial class ThreeViewNet
{
    [Dsl.Hyperparameter(4, 12, Default = 8)] public partial int Width { get; }

    [Dsl.Linear(nameof(Width)), Dsl.Activate(Dsl.Activation.ReLU)] private partial Tensor Pair(Tensor pair);

    [Dsl.Linear(4), Dsl.Activate(Dsl.Activation.ReLU)] private partial Tensor Third(Tensor third);

    [Dsl.Linear(4), Dsl.Activate(Dsl.Activation.ReLU)] private partial Tensor Fourth(Tensor fourth);

    [Dsl.Fuse(Dsl.FusionKind.Concat, nameof(Pair), nameof(Third), nameof(Fourth)), Dsl.Linear(3)]
    public partial Tensor Forward([Dsl.Shape(2)] Tensor pair, [Dsl.Shape(1)] Tensor third, [Dsl.Shape(1)] Tensor fourth);
}

/// <summary>A generated four-input model: one feature per input, merged by a searchable fusion op.</summary>
[Dsl.Model(Outputs = 3)]
public partial class FourViewNet
{
    [Dsl.Hyperparameter(Default = Dsl.FusionKind.Sum)] public partial Dsl.FusionKind Merge { get; }

    [Dsl.Linear(6), Dsl.Activate(Dsl.Activation.ReLU)] private partial Tensor A(Tensor a);

    [Dsl.Linear(6), Dsl.Activate(Dsl.Activation.ReLU)] private partial Tensor B(Tensor b);

    [Dsl.Linear(6), Dsl.Activate(Dsl.Activation.ReLU)] private partial Tensor C(Tensor c);

    [Dsl.Linear(6), Dsl.Activate(Dsl.Activation.ReLU)] private partial Tensor D(Tensor d);

    [Dsl.Fuse(nameof(Merge), nameof(A), nameof(B), nameof(C), nameof(D), Width = 6), Dsl.Linear(3)]
    public partial Tensor Forward([Dsl.Shape(1)] Tensor a, [Dsl.Shape(1)] Tensor b, [Dsl.Shape(1)] Tensor c, [Dsl.Shape(1)] Tensor d);
}

/// <summary>The widest model TorchSharp allows: six inputs, the blob's four features and two copies.</summary>
[Dsl.Model(Outputs = 3)]
public partial class SixViewNet
{
    [Dsl.Linear(4)] private partial Tensor A(Tensor a);

    [Dsl.Linear(4)] private partial Tensor B(Tensor b);

    [Dsl.Linear(4)] private partial Tensor C(Tensor c);

    [Dsl.Linear(4)] private partial Tensor D(Tensor d);

    [Dsl.Linear(4)] private partial Tensor E(Tensor e);

    [Dsl.Linear(4)] private partial Tensor F(Tensor f);

    [Dsl.Fuse(Dsl.FusionKind.Concat, nameof(A), nameof(B), nameof(C), nameof(D), nameof(E), nameof(F)), Dsl.Activate(Dsl.Activation.ReLU), Dsl.Linear(3)]
    public partial Tensor Forward(
        [Dsl.Shape(1)] Tensor a, [Dsl.Shape(1)] Tensor b, [Dsl.Shape(1)] Tensor c, [Dsl.Shape(1)] Tensor d, [Dsl.Shape(2)] Tensor e, [Dsl.Shape(2)] Tensor f);
}

[Dsl.Sweep(typeof(ThreeViewNet), Epochs = 2)]
public partial class ThreeViewSweep
{
    [Dsl.Hyperparameter(1e-2, 1e-1, Log = true, Default = 0.05)] public partial double LearningRate { get; }
}

[Dsl.Sweep(typeof(FourViewNet), Epochs = 2)]
public partial class FourViewSweep
{
    [Dsl.Hyperparameter(1e-2, 1e-1, Log = true, Default = 0.05)] public partial double LearningRate { get; }
}

/// <summary>Models of three to six inputs train, evaluate, save, load, resume and sweep like one- and two-input ones.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class ManyInputModelTests : IDisposable
{
    private static readonly TrainingOptions Options = new() { Epochs = 4, BatchSize = 16, LearningRate = 0.05, Seed = 5 };

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>Blobs whose four features are cut into column groups of the given widths, one input tensor per group.</summary>
    private static TensorDataset Views(int count, int seed, params int[] widths)
    {
        using var blobs = Synthetic.Blobs(count, seed, spread: 0.8);
        var x = blobs.Inputs;
        var inputs = new List<Tensor>();
        var start = 0;
        foreach (var width in widths)
        {
            // Past the fourth feature the views wrap around, so six inputs can come from four features.
            inputs.Add(x.narrow(1, start % 4, width).clone());
            start += width;
        }
        return new TensorDataset(inputs, blobs.Labels.clone());
    }

    [Fact]
    public void A_three_input_model_fits_evaluates_saves_loads_and_resumes()
    {
        using var train = Views(120, 1, 2, 1, 1);
        using var validation = Views(60, 2, 2, 1, 1);
        var checkpoint = folder.File("three.pt");
        var trainer = new Trainer(Options with { Epochs = 2, CheckpointPath = checkpoint });
        using var model = Trainer.CreateModel<ThreeViewNet, ThreeViewNet.Hyperparameters>(ThreeViewNet.Hyperparameters.Default, seed: 5);

        var result = trainer.Fit(model, train, validation);
        var resumed = new Trainer(Options with { CheckpointPath = checkpoint }).Resume(model, checkpoint, train, validation);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal([1, 2, 3, 4], resumed.Epochs.Select(e => e.Epoch));
        var evaluation = trainer.Evaluate(model, validation);
        Assert.True(evaluation.Accuracy > 0.6, $"accuracy {evaluation.Accuracy}");

        var saved = folder.File("three-weights.pt");
        Checkpoint.Save(model, saved);
        using var loaded = ThreeViewNet.Load(saved);
        Assert.True(Weights.Equal(Weights.Of(model), Weights.Of(loaded)));
        Assert.Equal(evaluation.Accuracy, trainer.Evaluate(loaded, validation).Accuracy);
    }

    [Fact]
    public void A_four_input_model_fits_evaluates_saves_and_loads()
    {
        using var train = Views(120, 3, 1, 1, 1, 1);
        using var validation = Views(60, 4, 1, 1, 1, 1);
        var trainer = new Trainer(Options);
        using var model = Trainer.CreateModel<FourViewNet, FourViewNet.Hyperparameters>(FourViewNet.Hyperparameters.Default with { Merge = Dsl.FusionKind.Attention }, seed: 5);

        var result = trainer.Fit(model, train, validation);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        var accuracy = trainer.Evaluate(model, validation).Accuracy;
        var saved = folder.File("four.pt");
        Checkpoint.Save<FourViewNet, FourViewNet.Hyperparameters>(model, saved);
        using var loaded = FourViewNet.Load(saved);
        Assert.Equal(Dsl.FusionKind.Attention, loaded.HyperparameterValues.Merge);
        Assert.Equal(accuracy, trainer.Evaluate(loaded, validation).Accuracy);
    }

    [Fact]
    public void A_six_input_model_fits_and_evaluates()
    {
        using var train = Views(90, 5, 1, 1, 1, 1, 2, 2);
        using var model = new SixViewNet();
        var trainer = new Trainer(Options with { Epochs = 2 });

        var result = trainer.Fit(model, train, train);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(result.Last.Validation!.Accuracy, trainer.Evaluate(model, train).Accuracy);
    }

    [Fact]
    public void A_dataset_with_the_wrong_number_of_inputs_is_refused_with_both_counts()
    {
        using var train = Views(30, 6, 2, 2);
        using var model = new ThreeViewNet();

        var error = Assert.Throws<ArgumentException>(() => new Trainer(Options).Fit(model, train));

        Assert.StartsWith("ThreeViewNet takes 3 input(s), but the training set has 2.", error.Message);
    }

    [Fact]
    public async Task Three_and_four_input_models_sweep_two_trials_and_their_best_reloads()
    {
        using var three = new SweepData(Views(96, 7, 2, 1, 1), Views(48, 8, 2, 1, 1), Views(48, 9, 2, 1, 1));
        using var four = new SweepData(Views(96, 7, 1, 1, 1, 1), Views(48, 8, 1, 1, 1, 1), Views(48, 9, 1, 1, 1, 1));

        var threeResult = await ThreeViewSweep.RunAsync(three, SweepKit.Options(folder.File("three"), trials: 2));
        var fourResult = await FourViewSweep.RunAsync(four, SweepKit.Options(folder.File("four"), trials: 2));

        Assert.All(threeResult.Trials.Concat(fourResult.Trials), t => Assert.True(t.State == TrialState.Complete, t.Error));
        Assert.Equal(2, threeResult.Trials.Count);
        Assert.Equal(2, fourResult.Trials.Count);
        using var bestThree = threeResult.LoadBestModel();
        using var bestFour = fourResult.LoadBestModel();
        Assert.Equal(threeResult.TestEvaluation!.Accuracy, new Trainer().Evaluate(bestThree, three.Test!).Accuracy);
        Assert.Equal(fourResult.TestEvaluation!.Accuracy, new Trainer().Evaluate(bestFour, four.Test!).Accuracy);
    }

    [Fact]
    public async Task The_sweep_command_line_runs_a_four_input_model()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await SweepCommandLine.RunAsync<FourViewNet, FourViewNet.Hyperparameters, FourViewSweep.Hyperparameters>(
            FourViewSweep.Definition,
            ["sweep", "--trials", "2", "--epochs", "1", "--storage", folder.File("four.db"), "--output", folder.File("runs")],
            () => new SweepData(Views(96, 7, 1, 1, 1, 1), Views(48, 8, 1, 1, 1, 1)),
            output,
            error);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("2 complete", output.ToString());
    }
}
