using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>
/// What every ensemble offers whatever its arity; the object is also an <c>nn.Module&lt;Tensor, ..., Tensor&gt;</c> with
/// its members' inputs (<see cref="EnsembleModel"/>, <see cref="EnsembleModel2"/>, ...), so the trainer evaluates it like a model.
/// </summary>
public interface IEnsemble : IDisposable
{
    /// <summary>How the members' predictions are fused.</summary>
    EnsembleMethod Method { get; }

    /// <summary>The member models, in the order of <see cref="Weights"/>; the ensemble owns and disposes them.</summary>
    IReadOnlyList<nn.Module> Members { get; }

    /// <summary>
    /// Each member's share of the fused prediction, summing to 1: the mixture weights for uniform and weighted
    /// ensembles; for stacking, each member's share of the meta-learner's coefficient norm on standardised inputs.
    /// </summary>
    IReadOnlyList<double> Weights { get; }

    /// <summary>How many tensors each member, and so the ensemble, takes.</summary>
    int InputCount { get; }

    /// <summary>The validation score of the fitted combination; null for a uniform ensemble, which fits nothing.</summary>
    EnsembleValidation? Validation { get; }

    /// <summary>The ensemble as a module (this object), for code that handles any arity.</summary>
    nn.Module Module { get; }

    /// <summary>The fused log-probabilities [N, classes] for the members' inputs.</summary>
    Tensor Forward(params Tensor[] inputs);

    /// <summary>
    /// Saves the ensemble as one folder: each member's checkpoint (<see cref="Dsl.Checkpoints.Checkpoint"/>) and a JSON
    /// manifest with the method, the weights or meta-learner and each member's model type. See <see cref="Ensemble.Load"/>.
    /// </summary>
    void Save(string path);
}
