using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>
/// An ensemble's score on the validation data its weights were fitted on: NLL and accuracy. <see cref="CrossFitted"/>
/// says whether every prediction came from a fit that did not see that sample (stacking's k-fold cross-fitting) or
/// from the final fit itself (weighted; an optimistic, in-sample score).
/// </summary>
public sealed record EnsembleValidation(double Loss, double Accuracy, long Count, bool CrossFitted, int Folds)
{
    /// <summary>NLL and accuracy of [samples, classes] log-probabilities against class-index labels.</summary>
    internal static EnsembleValidation Measure(Tensor logProbabilities, Tensor labels, bool crossFitted, int folds)
    {
        using var scope = NewDisposeScope();
        var loss = nn.functional.nll_loss(logProbabilities, labels).item<double>();
        var accuracy = logProbabilities.argmax(1).eq(labels).to(ScalarType.Float64).mean().item<double>();
        return new EnsembleValidation(loss, accuracy, labels.shape[0], crossFitted, folds);
    }
}
