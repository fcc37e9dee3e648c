using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>
/// A multinomial logistic regression on the members' concatenated log-probabilities, L2-regularised, fitted by
/// full-batch Adam on standardised features; its validation score comes from k-fold cross-fitting.
/// </summary>
internal static class StackingFit
{
    private const int Steps = 400;
    private const double LearningRate = 0.05;

    /// <summary>The final meta-learner, fitted on all of the data, folded back to raw features; and its out-of-fold score.</summary>
    public static (float[] Weight, float[] Bias, double[] Shares, EnsembleValidation Validation) Fit(
        ValidationPredictions predictions, int folds, double l2, int seed)
    {
        var samples = predictions.Labels.shape[0];
        if (folds < 2 || folds > samples)
            throw new FusionException($"Stacking with {folds} folds on {samples} validation samples; folds must be between 2 and the number of samples.");

        using var scope = NewDisposeScope();
        var features = Features(predictions.LogProbabilities);
        var classes = predictions.ClassCount;

        // Out-of-fold predictions: each sample is predicted by the meta-learner fitted on the other folds only.
        var order = randperm(samples, generator: new Generator((ulong)seed), dtype: ScalarType.Int64);
        var outOfFold = empty(samples, classes, dtype: ScalarType.Float64);
        for (var k = 0; k < folds; k++)
        {
            using var foldScope = NewDisposeScope();
            var (start, end) = (samples * k / folds, samples * (k + 1) / folds);
            var held = order.narrow(0, start, end - start);
            var kept = cat([order.narrow(0, 0, start), order.narrow(0, end, samples - end)], 0);
            var (weight, bias, _) = FitOne(features.index_select(0, kept), predictions.Labels.index_select(0, kept), classes, l2);
            outOfFold.index_copy_(0, held, nn.functional.log_softmax(features.index_select(0, held).matmul(weight).add(bias), 1));
        }
        var validation = EnsembleValidation.Measure(outOfFold, predictions.Labels, crossFitted: true, folds);

        var (finalWeight, finalBias, shares) = FitOne(features, predictions.Labels, classes, l2);
        return (ToFloats(finalWeight), ToFloats(finalBias), shares, validation);
    }

    /// <summary>[members, samples, classes] log-probabilities to [samples, members × classes] features, clamped as the forward pass does.</summary>
    private static Tensor Features(Tensor logProbabilities) =>
        logProbabilities.clamp_min(EnsembleCore.MinLogProbability).permute(1, 0, 2).reshape(logProbabilities.shape[1], -1).to(ScalarType.Float32).to(ScalarType.Float64);

    /// <summary>Fits on standardised features and folds the standardisation into the returned raw-feature weight and bias.</summary>
    private static (Tensor Weight, Tensor Bias, double[] Shares) FitOne(Tensor features, Tensor labels, int classes, double l2)
    {
        using var scope = NewDisposeScope();
        var mean = features.mean([0L]);
        var std = features.std(0, unbiased: false);
        // A feature constant on these samples (a useless member's) carries no information: its coefficients stay exactly zero.
        var keep = std.gt(1e-12).to(ScalarType.Float64);
        var scale = keep.div(std.clamp_min(1e-12));
        var standardised = features.sub(mean).mul(scale);

        var weight = new TorchSharp.Modules.Parameter(zeros(features.shape[1], classes, dtype: ScalarType.Float64), requires_grad: true);
        var bias = new TorchSharp.Modules.Parameter(zeros(classes, dtype: ScalarType.Float64), requires_grad: true);
        using (var optimizer = optim.Adam([weight, bias], LearningRate))
        {
            for (var step = 0; step < Steps; step++)
            {
                using var stepScope = NewDisposeScope();
                optimizer.zero_grad();
                // The bias is not penalised, so the intercept is free and only informative coefficients pay for their size.
                var loss = nn.functional.cross_entropy(standardised.matmul(weight).add(bias), labels).add(weight.square().sum().mul(l2 / 2));
                loss.backward();
                optimizer.step();
            }
        }

        using var noGrad = no_grad();
        var members = features.shape[1] / classes;
        var norms = weight.reshape(members, -1).norm(1).data<double>().ToArray();
        var total = norms.Sum();
        var shares = norms.Select(n => total > 0 ? n / total : 1.0 / members).ToArray();
        var rawWeight = weight.mul(scale.unsqueeze(1));
        var rawBias = bias.sub(mean.unsqueeze(0).matmul(rawWeight).squeeze(0));
        return (rawWeight.detach().MoveToOuterDisposeScope(), rawBias.detach().MoveToOuterDisposeScope(), shares);
    }

    private static float[] ToFloats(Tensor values)
    {
        using var single = values.to(ScalarType.Float32).contiguous();
        return [.. single.data<float>()];
    }
}
