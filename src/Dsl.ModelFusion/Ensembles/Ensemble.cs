using Dsl.Checkpoints;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>
/// Builds prediction ensembles of trained classifiers, of any architectures that share their inputs and classes:
/// <c>Ensemble.Uniform(models)</c>, <c>Ensemble.FitWeighted(models, validation)</c>,
/// <c>Ensemble.FitStacking(models, validation, folds: 5)</c>; <c>ensemble.Save(path)</c> and <c>Ensemble.Load(path)</c>.
/// </summary>
/// <remarks>
/// Members' outputs are read as class scores (logits or log-probabilities: both give the same log_softmax). The
/// ensemble takes ownership of its members: disposing it disposes them. The typed overloads return the module of the
/// members' arity, which <c>Trainer.Evaluate</c> accepts; the <c>nn.Module</c> overloads serve code that learns the
/// arity at run time and return the same objects as <see cref="IEnsemble"/>.
/// </remarks>
public static partial class Ensemble
{
    /// <summary>The members' probabilities averaged with equal weights.</summary>
    /// <exception cref="FusionException">No members, or members that do not take the same inputs.</exception>
    public static IEnsemble Uniform(IReadOnlyList<nn.Module> models)
    {
        var adapters = Adapt(models);
        var count = adapters.Length;
        var combination = new EnsembleCombination(EnsembleMethod.Uniform, 0,
            [.. Enumerable.Repeat((float)Math.Log(1.0 / count), count)], null, null, [.. Enumerable.Repeat(1.0 / count, count)]);
        return Wrap(new EnsembleCore(models, combination, null));
    }

    /// <summary>
    /// The members' probabilities averaged with weights softmax(θ) fitted to minimise the NLL on <paramref name="validation"/>
    /// (chosen over greedy selection with replacement: the fit is convex in the weights and optimises the loss the ensemble reports).
    /// </summary>
    /// <exception cref="FusionException">No members, members that disagree on inputs or classes, or unusable validation data.</exception>
    public static IEnsemble FitWeighted(IReadOnlyList<nn.Module> models, TensorDataset validation)
    {
        var adapters = Adapt(models);
        using var predictions = ValidationPredictions.Compute(adapters, validation);
        var (weights, score) = WeightedFit.Fit(predictions);
        var combination = new EnsembleCombination(EnsembleMethod.Weighted, predictions.ClassCount,
            [.. weights.Select(w => (float)Math.Log(w))], null, null, weights);
        return Wrap(new EnsembleCore(models, combination, score));
    }

    /// <summary>
    /// A multinomial logistic regression on the members' log-probabilities, fitted on all of <paramref name="validation"/>;
    /// its <see cref="IEnsemble.Validation"/> comes from <paramref name="folds"/>-fold cross-fitting, so no sample is scored
    /// by a meta-learner that was fitted on it.
    /// </summary>
    /// <param name="models">The trained members; the ensemble takes ownership.</param>
    /// <param name="validation">Labelled data the members were not trained on.</param>
    /// <param name="folds">How many folds cross-fit the reported validation score.</param>
    /// <param name="l2">The L2 penalty on the meta-learner's coefficients (on standardised inputs; the intercept is free).</param>
    /// <param name="seed">Seeds the assignment of samples to folds.</param>
    /// <exception cref="FusionException">No members, members that disagree on inputs or classes, unusable validation data, or bad folds.</exception>
    public static IEnsemble FitStacking(IReadOnlyList<nn.Module> models, TensorDataset validation, int folds = 5, double l2 = 1e-3, int seed = 0)
    {
        var adapters = Adapt(models);
        using var predictions = ValidationPredictions.Compute(adapters, validation);
        var (weight, bias, shares, score) = StackingFit.Fit(predictions, folds, l2, seed);
        var combination = new EnsembleCombination(EnsembleMethod.Stacking, predictions.ClassCount, null, weight, bias, shares);
        return Wrap(new EnsembleCore(models, combination, score));
    }

    /// <summary>
    /// Loads an ensemble saved by <see cref="IEnsemble.Save"/>, reproducing its predictions exactly. Generated members are
    /// rebuilt from their checkpoints by type name (the type must be loaded in this process); <paramref name="loadMember"/>
    /// rebuilds others, such as hand-written modules. The result is the module of the members' arity.
    /// </summary>
    /// <param name="path">The folder <see cref="IEnsemble.Save"/> wrote.</param>
    /// <param name="device">Where to place the members (the CPU by default).</param>
    /// <param name="loadMember">Rebuilds members that are not generated models; may return null to defer.</param>
    /// <exception cref="FusionException">The manifest is missing or malformed, or a member's type cannot be rebuilt.</exception>
    /// <exception cref="CheckpointException">A member's checkpoint is missing or does not fit its model.</exception>
    public static IEnsemble Load(string path, Device? device = null, EnsembleMemberLoader? loadMember = null) =>
        EnsembleStore.Load(path, device, loadMember);

    /// <summary>Every member adapted for calling, after checking there is at least one and that all take the same number of inputs.</summary>
    internal static ModelAdapter[] Adapt(IReadOnlyList<nn.Module> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new FusionException("An ensemble needs at least one member model, but none were given.");
        var adapters = new ModelAdapter[models.Count];
        for (var m = 0; m < models.Count; m++)
        {
            if (models[m] is null) throw new FusionException($"Ensemble member {m} is null.");
            try
            {
                adapters[m] = ModelAdapter.FromAny(models[m]);
            }
            catch (ArgumentException e)
            {
                throw new FusionException($"Ensemble member {m} cannot be fused: {e.Message}", e);
            }
            if (adapters[m].InputCount != adapters[0].InputCount)
                throw new FusionException(
                    $"Ensemble member {m} ({adapters[m].Name}) takes {adapters[m].InputCount} input(s), but member 0 ({adapters[0].Name}) takes {adapters[0].InputCount}; every member must take the same inputs.");
        }
        return adapters;
    }

    internal static IEnsemble Wrap(EnsembleCore core) => core.InputCount switch
    {
        1 => new EnsembleModel(core),
        2 => new EnsembleModel2(core),
        3 => new EnsembleModel3(core),
        4 => new EnsembleModel4(core),
        5 => new EnsembleModel5(core),
        _ => new EnsembleModel6(core),
    };
}
