namespace Dsl.Search.Sampling;

/// <summary>
/// A weighted mixture of product kernels over some parameters: truncated Gaussians on numeric internal coordinates,
/// smoothed one-hot distributions on choices, plus one prior component. TPE fits one to the good trials (l) and one to
/// the rest (g).
/// </summary>
internal sealed class ParzenEstimator
{
    private const double MinimumRangeFraction = 1e-12;

    private readonly InternalRepresentation[] dims;
    private readonly double[] weights;
    private readonly double[] logWeights;
    private readonly double[][] mus;
    private readonly double[][] sigmas;
    private readonly double[][] logNormalizers;
    private readonly double[][][] logChoiceProbabilities;
    private readonly double[][][] choiceProbabilities;

    /// <param name="dims">The modelled parameters.</param>
    /// <param name="observations">One row per trial: internal coordinates, or choice indices for categoricals.</param>
    /// <param name="observationWeights">One weight per row.</param>
    /// <param name="options">Bandwidth and prior settings.</param>
    public ParzenEstimator(InternalRepresentation[] dims, IReadOnlyList<double[]> observations, double[] observationWeights, TpeOptions options)
    {
        this.dims = dims;
        var n = observations.Count;
        var k = n + 1;
        weights = new double[k];
        double total = 0;
        for (var i = 0; i < n; i++) total += weights[i] = observationWeights[i];
        total += weights[n] = options.PriorWeight;
        logWeights = new double[k];
        for (var i = 0; i < k; i++)
        {
            weights[i] /= total;
            logWeights[i] = Math.Log(weights[i]);
        }

        mus = new double[dims.Length][];
        sigmas = new double[dims.Length][];
        logNormalizers = new double[dims.Length][];
        logChoiceProbabilities = new double[dims.Length][][];
        choiceProbabilities = new double[dims.Length][][];
        var multivariate = options.Multivariate && dims.Length > 1;
        var numericDims = dims.Count(d => !d.IsCategorical);
        for (var d = 0; d < dims.Length; d++)
        {
            var representation = dims[d];
            if (representation.IsCategorical)
            {
                FitChoices(d, observations, options.PriorWeight);
                continue;
            }
            var low = representation.Low;
            var high = representation.High;
            var range = Math.Max(high - low, MinimumRangeFraction);
            var mu = new double[k];
            for (var i = 0; i < n; i++) mu[i] = observations[i][d];
            mu[n] = 0.5 * (low + high);
            var sigma = multivariate
                ? JointBandwidths(mu, n, numericDims, range, options.MultivariateBandwidth)
                : NeighbourBandwidths(mu, low, high, options.ConsiderEndpoints);
            var minSigma = options.ConsiderMagicClip ? range / Math.Min(100.0, 1.0 + k) : range * MinimumRangeFraction;
            for (var i = 0; i < k; i++) sigma[i] = Math.Clamp(sigma[i], minSigma, range);
            sigma[n] = range;
            var logZ = new double[k];
            for (var i = 0; i < k; i++)
                logZ[i] = Math.Log(NormalMath.Mass((low - mu[i]) / sigma[i], (high - mu[i]) / sigma[i]));
            mus[d] = mu;
            sigmas[d] = sigma;
            logNormalizers[d] = logZ;
        }
    }

    /// <summary>A draw: pick a component by weight, then each coordinate from that component's kernel.</summary>
    public double[] Sample(SamplerRandom random)
    {
        var component = random.NextWeighted(weights);
        var x = new double[dims.Length];
        for (var d = 0; d < dims.Length; d++)
        {
            if (dims[d].IsCategorical)
            {
                x[d] = random.NextWeighted(choiceProbabilities[d][component]);
                continue;
            }
            var mu = mus[d][component];
            var sigma = sigmas[d][component];
            var z = NormalMath.SampleTruncated((dims[d].Low - mu) / sigma, (dims[d].High - mu) / sigma, random.NextOpenDouble());
            x[d] = mu + sigma * z;
        }
        return x;
    }

    /// <summary>The log density (log mass on stepped coordinates) of a point whose coordinates are already on the grid.</summary>
    public double LogPdf(double[] x)
    {
        var k = weights.Length;
        Span<double> terms = k <= 512 ? stackalloc double[k] : new double[k];
        logWeights.CopyTo(terms);
        for (var d = 0; d < dims.Length; d++)
        {
            var representation = dims[d];
            if (representation.IsCategorical)
            {
                var choice = (int)x[d];
                var table = logChoiceProbabilities[d];
                for (var i = 0; i < k; i++) terms[i] += table[i][choice];
                continue;
            }
            var mu = mus[d];
            var sigma = sigmas[d];
            var logZ = logNormalizers[d];
            if (representation.Step > 0)
            {
                var lower = Math.Max(x[d] - 0.5 * representation.Step, representation.Low);
                var upper = Math.Min(x[d] + 0.5 * representation.Step, representation.High);
                for (var i = 0; i < k; i++)
                {
                    var mass = NormalMath.Mass((lower - mu[i]) / sigma[i], (upper - mu[i]) / sigma[i]);
                    // Far in the tail the mass underflows; the density at the cell times its width is then accurate.
                    var logMass = mass > 1e-300
                        ? Math.Log(mass)
                        : NormalMath.LogPdf((x[d] - mu[i]) / sigma[i]) + Math.Log((upper - lower) / sigma[i]);
                    terms[i] += logMass - logZ[i];
                }
            }
            else
            {
                for (var i = 0; i < k; i++)
                    terms[i] += NormalMath.LogPdf((x[d] - mu[i]) / sigma[i]) - Math.Log(sigma[i]) - logZ[i];
            }
        }
        var max = double.NegativeInfinity;
        foreach (var t in terms) max = Math.Max(max, t);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (var t in terms) sum += Math.Exp(t - max);
        return max + Math.Log(sum);
    }

    private void FitChoices(int d, IReadOnlyList<double[]> observations, double priorWeight)
    {
        var n = observations.Count;
        var k = n + 1;
        var choices = dims[d].ChoiceCount;
        var probabilities = new double[k][];
        var logs = new double[k][];
        // Every component keeps prior_weight / (n + 1) on each choice, so no choice is ever ruled out.
        var floor = priorWeight / k;
        for (var i = 0; i < k; i++)
        {
            var row = new double[choices];
            Array.Fill(row, floor);
            if (i < n) row[(int)observations[i][d]] += 1;
            var sum = row.Sum();
            var log = new double[choices];
            for (var c = 0; c < choices; c++)
            {
                row[c] /= sum;
                log[c] = Math.Log(row[c]);
            }
            probabilities[i] = row;
            logs[i] = log;
        }
        choiceProbabilities[d] = probabilities;
        logChoiceProbabilities[d] = logs;
    }

    private static double[] JointBandwidths(double[] mu, int n, int numericDims, double range, double cap)
    {
        // Scott's rule, H = n^(−1/(d+4))·σ̂ per coordinate, with σ̂ capped at cap·range (Optuna's and BOHB's fixed
        // width). Following the spread lets l(x) tighten around a cluster of good trials instead of staying wide.
        var spread = cap * range;
        if (n >= 2)
        {
            double mean = 0, squares = 0;
            for (var i = 0; i < n; i++) mean += mu[i];
            mean /= n;
            for (var i = 0; i < n; i++) squares += (mu[i] - mean) * (mu[i] - mean);
            spread = Math.Min(spread, Math.Sqrt(squares / (n - 1)));
        }
        var sigma = spread * Math.Pow(Math.Max(n, 1), -1.0 / (numericDims + 4));
        var result = new double[n + 1];
        Array.Fill(result, sigma);
        return result;
    }

    private static double[] NeighbourBandwidths(double[] mu, double low, double high, bool considerEndpoints)
    {
        // Each kernel is as wide as the larger gap to its neighbours (the range's ends count as neighbours), so dense
        // regions get sharp kernels and sparse ones broad kernels.
        var k = mu.Length;
        var order = Enumerable.Range(0, k).ToArray();
        Array.Sort(order, (a, b) => mu[a].CompareTo(mu[b]));
        var sorted = new double[k + 2];
        sorted[0] = low;
        for (var i = 0; i < k; i++) sorted[i + 1] = mu[order[i]];
        sorted[k + 1] = high;
        var sortedSigma = new double[k];
        for (var i = 0; i < k; i++)
            sortedSigma[i] = Math.Max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
        if (!considerEndpoints && k >= 2)
        {
            sortedSigma[0] = sorted[2] - sorted[1];
            sortedSigma[k - 1] = sorted[k] - sorted[k - 1];
        }
        var sigma = new double[k];
        for (var i = 0; i < k; i++) sigma[order[i]] = sortedSigma[i];
        return sigma;
    }
}
