using Dsl.ModelFusion;
using Dsl.ModelFusion.Ensembles;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.ModelFusion;

/// <summary>A useless classifier: the same scores for every sample, whatever its input.</summary>
public sealed class ConstantNet : nn.Module<Tensor, Tensor>
{
    private readonly float[] scores;

    public ConstantNet(params float[] scores) : base(nameof(ConstantNet))
    {
        this.scores = scores;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => tensor(scores).unsqueeze(0).expand(x.shape[0], -1).clone();
}

[Collection(TorchTrainingCollection.Name)]
public sealed class EnsembleTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly TensorDataset train = Synthetic.Blobs(240, seed: 1, spread: 0.9);
    private readonly TensorDataset validation = Synthetic.Blobs(150, seed: 2, spread: 0.9);
    private readonly TensorDataset test = Synthetic.Blobs(150, seed: 3, spread: 0.9);

    public void Dispose()
    {
        folder.Dispose();
        train.Dispose();
        validation.Dispose();
        test.Dispose();
    }

    private static TrainingOptions Options => new() { Epochs = 8, BatchSize = 32, LearningRate = 0.02 };

    /// <summary>Two trained members of different generated architectures.</summary>
    private nn.Module<Tensor, Tensor>[] TwoArchitectures()
    {
        var tiny = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 1);
        var dropout = Trainer.CreateModel<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(TinyDropoutNet.Hyperparameters.Default, seed: 2);
        new Trainer(Options).Fit(tiny, train);
        new Trainer(Options with { Seed = 2 }).Fit(dropout, train);
        return [tiny, dropout];
    }

    private static float[] Values(Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        return [.. cpu.data<float>()];
    }

    [Fact]
    public void Stacking_gives_near_zero_weight_to_a_useless_member_and_scores_out_of_fold()
    {
        using var ensemble = Ensemble.FitStacking([.. TwoArchitectures(), new ConstantNet(0.5f, 0f, -0.5f)], validation, folds: 5);

        Assert.Equal(EnsembleMethod.Stacking, ensemble.Method);
        Assert.True(ensemble.Weights[2] < 0.01, $"useless member's share {ensemble.Weights[2]}");
        Assert.InRange(ensemble.Weights.Sum(), 0.999, 1.001);
        var score = ensemble.Validation!;
        Assert.True(score.CrossFitted);
        Assert.Equal(5, score.Folds);
        Assert.Equal(validation.Count, score.Count);
        Assert.True(score.Accuracy > 0.8, $"cross-fitted accuracy {score.Accuracy}");
    }

    [Fact]
    public void Weighted_puts_near_zero_weight_on_a_useless_member()
    {
        using var ensemble = Ensemble.FitWeighted([.. TwoArchitectures(), new ConstantNet(0.5f, 0f, -0.5f)], validation);

        Assert.Equal(EnsembleMethod.Weighted, ensemble.Method);
        Assert.True(ensemble.Weights[2] < 0.02, $"useless member's weight {ensemble.Weights[2]}");
        Assert.InRange(ensemble.Weights.Sum(), 0.999, 1.001);
        Assert.False(ensemble.Validation!.CrossFitted);
    }

    [Theory]
    [InlineData(EnsembleMethod.Uniform)]
    [InlineData(EnsembleMethod.Weighted)]
    [InlineData(EnsembleMethod.Stacking)]
    public void Save_and_load_reproduce_the_predictions_bitwise(EnsembleMethod method)
    {
        var members = TwoArchitectures();
        using var ensemble = method switch
        {
            EnsembleMethod.Uniform => Ensemble.Uniform(members),
            EnsembleMethod.Weighted => Ensemble.FitWeighted(members, validation),
            _ => Ensemble.FitStacking(members, validation, folds: 3),
        };
        ensemble.eval();
        var path = Path.Combine(folder.Path, method.ToString());
        ensemble.Save(path);

        using var loaded = Ensemble.Load(path);
        var typed = Assert.IsType<EnsembleModel>(loaded);
        typed.eval();
        Assert.Equal(method, loaded.Method);
        Assert.Equal(ensemble.Weights, loaded.Weights);
        Assert.Equal(ensemble.Validation, loaded.Validation);
        Assert.Equal([typeof(TinyNet), typeof(TinyDropoutNet)], loaded.Members.Select(m => m.GetType()));
        using var noGrad = no_grad();
        using var before = ensemble.call(test.Inputs);
        using var after = typed.call(test.Inputs);
        Assert.Equal(Values(before), Values(after));
    }

    [Fact]
    public void The_trainer_evaluates_an_ensemble_like_a_model()
    {
        using var ensemble = Ensemble.Uniform(TwoArchitectures());

        var evaluation = new Trainer().Evaluate(ensemble, test);

        Assert.True(evaluation.Accuracy > 0.8, $"accuracy {evaluation.Accuracy}");
        using var noGrad = no_grad();
        using var output = ensemble.call(test.Inputs);
        using var nll = nn.functional.nll_loss(output, test.Labels);
        Assert.Equal(nll.item<float>(), evaluation.Loss, 4);
        using var probabilities = output.exp().sum(1);
        Assert.All(Values(probabilities), p => Assert.Equal(1.0, p, 4));
    }

    [Fact]
    public void Two_input_members_make_a_two_input_ensemble_that_saves_evaluates_and_reloads()
    {
        static TensorDataset Halves(TensorDataset blobs) =>
            new([blobs.Inputs[.., ..2].clone(), blobs.Inputs[.., 2..].clone()], blobs.Labels.clone());
        using var halvesTrain = Halves(train);
        using var halvesValidation = Halves(validation);
        var concat = Trainer.CreateModel<TwoHalvesNet, TwoHalvesNet.Hyperparameters>(TwoHalvesNet.Hyperparameters.Default, seed: 3);
        var sum = Trainer.CreateModel<TwoHalvesNet, TwoHalvesNet.Hyperparameters>(TwoHalvesNet.Hyperparameters.Default with { Merge = Dsl.FusionKind.Sum }, seed: 4);
        new Trainer(Options).Fit(concat, halvesTrain);
        new Trainer(Options).Fit(sum, halvesTrain);

        using var ensemble = Ensemble.FitStacking([concat, sum], halvesValidation, folds: 3);
        var evaluation = new Trainer().Evaluate(ensemble, halvesValidation);
        Assert.True(evaluation.Accuracy > 0.8, $"accuracy {evaluation.Accuracy}");

        var path = Path.Combine(folder.Path, "two-input");
        ensemble.Save(path);
        using var loaded = Assert.IsType<EnsembleModel2>(Ensemble.Load(path));
        Assert.Equal(2, loaded.InputCount);
        Assert.Equal(evaluation.Loss, new Trainer().Evaluate(loaded, halvesValidation).Loss);
    }

    [Fact]
    public void A_hand_written_member_reloads_through_the_callers_loader()
    {
        var path = Path.Combine(folder.Path, "hand-written");
        using (var ensemble = Ensemble.Uniform([new ConstantNet(1f, 0f, 0f), new ConstantNet(0f, 2f, 0f)]))
            ensemble.Save(path);

        var error = Assert.Throws<FusionException>(() => Ensemble.Load(path));
        Assert.Contains(typeof(ConstantNet).FullName!, error.Message);
        Assert.Contains(nameof(EnsembleMemberLoader), error.Message);

        var scores = new Queue<float[]>([[1f, 0f, 0f], [0f, 2f, 0f]]);
        using var loaded = Ensemble.Load(path, loadMember: (type, _) => type == typeof(ConstantNet).FullName ? new ConstantNet(scores.Dequeue()) : null);
        Assert.Equal(2, loaded.Members.Count);
    }

    [Fact]
    public void Bad_members_give_a_clear_fusion_error()
    {
        var none = Assert.Throws<FusionException>(() => Ensemble.Uniform(Array.Empty<nn.Module<Tensor, Tensor>>()));
        Assert.Contains("at least one member", none.Message);

        using var regressor = Trainer.CreateModel<TinyRegressor, TinyRegressor.Hyperparameters>(TinyRegressor.Hyperparameters.Default, seed: 5);
        using var classifier = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 5);
        var classes = Assert.Throws<FusionException>(() => Ensemble.FitWeighted([classifier, regressor], validation));
        Assert.Equal("Ensemble member 1 (TinyRegressor) predicts 1 classes, but member 0 (TinyNet) predicts 3; every member must predict the same classes.", classes.Message);

        using var uniform = Ensemble.Uniform([classifier, regressor]);
        Assert.Throws<FusionException>(() => uniform.call(test.Inputs));

        using var twoInputs = Trainer.CreateModel<TwoHalvesNet, TwoHalvesNet.Hyperparameters>(TwoHalvesNet.Hyperparameters.Default, seed: 6);
        var arity = Assert.Throws<FusionException>(() => Ensemble.Uniform([classifier, twoInputs]));
        Assert.Contains("member 1 (TwoHalvesNet) takes 2 input(s), but member 0 (TinyNet) takes 1", arity.Message);

        var folds = Assert.Throws<FusionException>(() => Ensemble.FitStacking([classifier], validation, folds: 1));
        Assert.Contains("folds must be between 2", folds.Message);
    }
}
