using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>
/// Mixture weights w = softmax(θ) minimising the validation NLL of Σ w_m p_m.
/// </summary>
/// <remarks>
/// Chosen over Caruana et al.'s greedy selection with replacement: the NLL of a mixture is convex in w, so the fit
/// finds the continuous optimum of the very loss the ensemble reports, deterministically and without the ties and
/// the 1/steps quantisation of greedy counts. Greedy selection's guard against overfitting many models matters less
/// here, where a handful of a sweep's top trials meets thousands of validation samples.
/// </remarks>
internal static class WeightedFit
{
    private const int Steps = 500;
    private const double LearningRate = 0.1;

    public static (double[] Weights, EnsembleValidation Validation) Fit(ValidationPredictions predictions)
    {
        using var scope = NewDisposeScope();
        var members = predictions.LogProbabilities.shape[0];
        // Only the true class's log-probability enters the NLL: [members, samples].
        var index = predictions.Labels.view(1, -1, 1).expand(members, -1, 1);
        var truth = predictions.LogProbabilities.gather(2, index).squeeze(2);
        // A Parameter takes over its tensor's handle, so the optimised tensor is the Parameter itself.
        var theta = new TorchSharp.Modules.Parameter(zeros(members, dtype: ScalarType.Float64), requires_grad: true);
        using var optimizer = optim.Adam([theta], LearningRate);
        for (var step = 0; step < Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = truth.add(nn.functional.log_softmax(theta, 0).unsqueeze(1)).logsumexp(0).mean().neg();
            loss.backward();
            optimizer.step();
        }
        using var noGrad = no_grad();
        var weights = nn.functional.softmax(theta, 0);
        var mixture = predictions.LogProbabilities.add(weights.log().view(-1, 1, 1)).logsumexp(0);
        return ([.. weights.data<double>()], EnsembleValidation.Measure(mixture, predictions.Labels, crossFitted: false, folds: 0));
    }
}
