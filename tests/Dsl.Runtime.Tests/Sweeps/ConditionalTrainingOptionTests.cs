using Dsl.Runtime.Tests.Training;
using Dsl.Sweeps;
using Dsl.Training;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>
/// A generated sweep whose weight decay exists only for AdamW and whose momentum only for SGD, with Nesterov under SGD
/// and its momentum only with Nesterov: every conditional default differs from <see cref="TrainingOptions"/>' own.
/// </summary>
[Dsl.Sweep(typeof(SweepNet), Epochs = 2)]
public partial class ConditionalOptionsSweep
{
    [Dsl.Hyperparameter(1e-2, 1e-1, Log = true, Default = 0.05)] public partial double LearningRate { get; }

    [Dsl.Hyperparameter(Default = OptimizerKind.Adam)] public partial OptimizerKind Optimizer { get; }

    [Dsl.Hyperparameter(1e-3, 1e-1, Log = true, Default = 0.05), Dsl.When(nameof(Optimizer), OptimizerKind.AdamW)]
    public partial double WeightDecay { get; }

    [Dsl.Hyperparameter(Default = true), Dsl.When(nameof(Optimizer), OptimizerKind.Sgd)]
    public partial bool Nesterov { get; }

    [Dsl.Hyperparameter(0.5, 0.99, Default = 0.9), Dsl.When(nameof(Nesterov), true)]
    public partial double Momentum { get; }
}

/// <summary>The same sweep without its conditional options: what an Adam trial of the one above must train like.</summary>
[Dsl.Sweep(typeof(SweepNet), Epochs = 2)]
public partial class PlainOptionsSweep
{
    [Dsl.Hyperparameter(1e-2, 1e-1, Log = true, Default = 0.05)] public partial double LearningRate { get; }

    [Dsl.Hyperparameter(Default = OptimizerKind.Adam)] public partial OptimizerKind Optimizer { get; }
}

[Collection(TorchTrainingCollection.Name)]
public sealed class ConditionalTrainingOptionTests : IDisposable
{
    private static readonly TrainingOptions Base = new() { WeightDecay = 0.001, Momentum = 0.3 };

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void An_inactive_conditional_hyperparameter_leaves_its_training_option_as_the_base_set_it()
    {
        var adam = ConditionalOptionsSweep.Hyperparameters.Default;

        var options = ConditionalOptionsSweep.Definition.Configure(Base, adam);

        Assert.Equal(OptimizerKind.Adam, options.Optimizer);
        Assert.Equal(0.001, options.WeightDecay);
        Assert.Equal(0.3, options.Momentum);
        Assert.False(options.Nesterov);
        options.Validate();
    }

    [Fact]
    public void An_active_conditional_hyperparameter_sets_its_option_and_a_chain_needs_every_link()
    {
        var adamW = ConditionalOptionsSweep.Definition.Configure(Base, ConditionalOptionsSweep.Hyperparameters.Default with { Optimizer = OptimizerKind.AdamW });
        var sgd = ConditionalOptionsSweep.Definition.Configure(Base, ConditionalOptionsSweep.Hyperparameters.Default with { Optimizer = OptimizerKind.Sgd, Momentum = 0.7 });
        var plainSgd = ConditionalOptionsSweep.Definition.Configure(Base, ConditionalOptionsSweep.Hyperparameters.Default with { Optimizer = OptimizerKind.Sgd, Nesterov = false });

        Assert.Equal((0.05, 0.3), (adamW.WeightDecay, adamW.Momentum));
        Assert.Equal((0.001, true, 0.7), (sgd.WeightDecay, sgd.Nesterov, sgd.Momentum));
        // Momentum hangs on Nesterov, which is active here but false: the base momentum stays.
        Assert.Equal((false, 0.3), (plainSgd.Nesterov, plainSgd.Momentum));
    }

    [Fact]
    public async Task An_adam_trial_trains_exactly_like_a_sweep_without_the_conditional_options_and_best_json_lists_what_applied()
    {
        using var data = SweepKit.Data();
        var assignment = SweepOptions.Assignment(SweepNet.Hyperparameters.Default, ConditionalOptionsSweep.Hyperparameters.Default);
        var conditionalFolder = folder.File("conditional");
        var plainFolder = folder.File("plain");

        var conditional = await ConditionalOptionsSweep.RunAsync(data, SweepKit.Options(conditionalFolder, trials: 1) with { Training = Base, Enqueue = [assignment] });
        var plain = await PlainOptionsSweep.RunAsync(data, SweepKit.Options(plainFolder, trials: 1) with { Training = Base, Enqueue = [assignment] });

        Assert.Equal(OptimizerKind.Adam, conditional.Best.Training.Optimizer);
        Assert.Equal(plain.Best.Value, conditional.Best.Value);
        using var conditionalModel = conditional.LoadBestModel();
        using var plainModel = plain.LoadBestModel();
        Assert.True(Weights.Equal(Weights.Of(plainModel), Weights.Of(conditionalModel)), "the Adam trial trained with an inactive option applied");

        var training = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(conditionalFolder, "best.json"))).RootElement.GetProperty("training");
        Assert.Equal(["LearningRate", "Optimizer"], training.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["LearningRate", "Optimizer"], conditional.Trials.Single().Parameters.Keys.Where(k => k != "Hidden").Order());
    }
}
