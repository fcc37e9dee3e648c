using System.Globalization;
using System.Text;
using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>
/// CMA-ES (Hansen's (μ/μ_w, λ) scheme with cumulative step-size adaptation) over the unconditional numeric parameters,
/// scaled to the unit cube of their internal space; categoricals and conditional parameters are drawn at random.
/// </summary>
/// <remarks>
/// A generation is told once λ of its proposals have finished; results are matched to proposals by their parameter
/// values, so the sampler needs nothing from the runner but the history. Pruned trials count with their last value.
/// When the first call already sees finished trials (enqueued or resumed), the search starts from the best of them.
/// </remarks>
public sealed class CmaEsSampler : ISampler
{
    private readonly Lock gate = new();
    private readonly double initialSigma;
    private readonly int? requestedPopulation;
    private long calls;
    private SearchSpace? space;
    private int[] modelled = [];
    private InternalRepresentation[] representations = [];
    private Strategy? strategy;

    /// <summary>Creates a CMA-ES sampler.</summary>
    /// <param name="seed">Seed of the sampler's draws; without one, one is drawn (see <see cref="Seed"/>).</param>
    /// <param name="sigma0">Initial step size as a fraction of each parameter's range.</param>
    /// <param name="populationSize">λ, the proposals per generation; null for 4 + ⌊3 ln d⌋.</param>
    public CmaEsSampler(int? seed = null, double sigma0 = 1.0 / 6, int? populationSize = null)
    {
        if (!(sigma0 > 0 && sigma0 <= 1)) throw new ArgumentOutOfRangeException(nameof(sigma0), sigma0, "Must be in (0, 1].");
        if (populationSize is < 2) throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize, "Must be ≥ 2.");
        Seed = seed ?? SamplingSupport.FreshSeed();
        initialSigma = sigma0;
        requestedPopulation = populationSize;
    }

    /// <summary>The seed in use.</summary>
    public int Seed { get; }

    /// <summary>Generations completed so far.</summary>
    public int Generation
    {
        get { lock (gate) return strategy?.Generation ?? 0; }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object> Sample(
        SearchSpace space,
        IReadOnlyList<TrialRecord> history,
        StudyDirection direction,
        IReadOnlyDictionary<string, object>? fixedValues = null)
    {
        var (allRepresentations, pinned) = SamplingSupport.Begin(space, history, fixedValues);
        lock (gate)
        {
            var random = new SamplerRandom(Seed, history.Count, calls++);
            Prepare(space, allRepresentations, history, direction);
            var chosen = new Dictionary<int, object>();
            if (strategy is { } s)
            {
                s.Harvest(history, direction, representations);
                var point = s.Ask(random);
                var values = new object[representations.Length];
                for (var d = 0; d < representations.Length; d++)
                {
                    if (pinned.TryGetValue(representations[d].Name, out var value)) point[d] = representations[d].ToUnit(value);
                    else value = representations[d].FromUnit(point[d]);
                    values[d] = value;
                    chosen[modelled[d]] = value;
                }
                s.Remember(point, Key(representations, values));
            }
            return SamplingSupport.Walk(space, allRepresentations, pinned, (i, assignment) =>
                assignment[space[i].Name] = chosen.TryGetValue(i, out var value) ? value : SamplingSupport.Uniform(allRepresentations[i], random));
        }
    }

    private void Prepare(SearchSpace current, InternalRepresentation[] allRepresentations, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        if (ReferenceEquals(current, space) || (space is not null && current.SequenceEqual(space))) return;
        space = current;
        modelled = Enumerable.Range(0, current.Count)
            .Where(i => current[i].Condition is null && !allRepresentations[i].IsCategorical && !allRepresentations[i].IsSingleValue)
            .ToArray();
        representations = modelled.Select(i => allRepresentations[i]).ToArray();
        if (representations.Length == 0)
        {
            strategy = null;
            return;
        }
        var mean = new double[representations.Length];
        Array.Fill(mean, 0.5);
        TrialScore? bestScore = null;
        foreach (var trial in history)
        {
            if (!TrialScore.TryScore(trial, direction, includeRunning: false, out var score) || score.Tier > 1) continue;
            var values = representations.Select(c => SamplingSupport.ValueOf(trial, c)).ToArray();
            if (values.Any(v => v is null) || (bestScore is { } b && score.CompareTo(b) >= 0)) continue;
            bestScore = score;
            for (var d = 0; d < representations.Length; d++) mean[d] = representations[d].ToUnit(values[d]!);
        }
        strategy = new Strategy(mean, initialSigma, requestedPopulation);
    }

    internal static string Key(InternalRepresentation[] representations, object?[] values)
    {
        var key = new StringBuilder();
        for (var d = 0; d < representations.Length; d++)
        {
            key.Append(values[d] switch
            {
                null => "",
                double x => x.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString(),
            });
            key.Append('\u001f');
        }
        return key.ToString();
    }

    /// <summary>The evolution path state of one CMA-ES run, in the unit cube.</summary>
    private sealed class Strategy
    {
        private readonly int n;
        private readonly int lambda;
        private readonly int mu;
        private readonly double[] recombination;
        private readonly double muEff, cSigma, dSigma, cC, c1, cMu, chiN;
        private readonly double[] mean;
        private readonly double[] pSigma;
        private readonly double[] pC;
        private double[,] covariance;
        private double[,] basis;
        private double[] scales;
        private double sigma;
        private readonly List<(double[] Point, string Key)> proposals = [];
        private readonly Dictionary<int, double> results = [];

        public Strategy(double[] initialMean, double initialSigma, int? population)
        {
            n = initialMean.Length;
            lambda = population ?? 4 + (int)Math.Floor(3 * Math.Log(n));
            mu = lambda / 2;
            recombination = new double[mu];
            for (var i = 0; i < mu; i++) recombination[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
            var sum = recombination.Sum();
            for (var i = 0; i < mu; i++) recombination[i] /= sum;
            muEff = 1 / recombination.Sum(w => w * w);
            cSigma = (muEff + 2) / (n + muEff + 5);
            dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
            cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
            c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff);
            cMu = Math.Min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff));
            chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
            mean = (double[])initialMean.Clone();
            pSigma = new double[n];
            pC = new double[n];
            sigma = initialSigma;
            covariance = Identity(n);
            basis = Identity(n);
            scales = Enumerable.Repeat(1.0, n).ToArray();
        }

        public int Generation { get; private set; }

        /// <summary>A point from N(m, σ²C), resampled while outside the cube and clipped if it stays outside.</summary>
        public double[] Ask(SamplerRandom random)
        {
            var x = new double[n];
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var z = new double[n];
                for (var i = 0; i < n; i++) z[i] = scales[i] * random.NextGaussian();
                var inside = true;
                for (var i = 0; i < n; i++)
                {
                    double y = 0;
                    for (var j = 0; j < n; j++) y += basis[i, j] * z[j];
                    x[i] = mean[i] + sigma * y;
                    inside &= x[i] >= 0 && x[i] <= 1;
                }
                if (inside) return x;
            }
            for (var i = 0; i < n; i++) x[i] = Math.Clamp(x[i], 0, 1);
            return x;
        }

        public void Remember(double[] point, string key) => proposals.Add((point, key));

        /// <summary>Collects the values of this generation's finished proposals and updates once λ are in.</summary>
        public void Harvest(IReadOnlyList<TrialRecord> history, StudyDirection direction, InternalRepresentation[] representations)
        {
            if (proposals.Count == 0) return;
            var byKey = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var p = 0; p < proposals.Count; p++)
            {
                if (!byKey.TryGetValue(proposals[p].Key, out var list)) byKey[proposals[p].Key] = list = [];
                list.Add(p);
            }
            foreach (var trial in history)
            {
                if (!TrialScore.TryScore(trial, direction, includeRunning: false, out var score) || score.Tier > 1) continue;
                var key = Key(representations, representations.Select(c => SamplingSupport.ValueOf(trial, c)).ToArray());
                if (!byKey.TryGetValue(key, out var candidates)) continue;
                // Identical proposals (integers rounding alike) each take one trial with that key.
                var free = candidates.FirstOrDefault(p => !results.ContainsKey(p), -1);
                if (free < 0) continue;
                results[free] = score.Value;
                candidates.Remove(free);
            }
            if (results.Count >= lambda) Tell();
        }

        private void Tell()
        {
            var ranked = results.OrderBy(r => r.Value).ThenBy(r => r.Key).Select(r => proposals[r.Key].Point).Take(mu).ToArray();
            var old = (double[])mean.Clone();
            for (var i = 0; i < n; i++)
            {
                mean[i] = 0;
                for (var k = 0; k < ranked.Length; k++) mean[i] += recombination[k] * ranked[k][i];
            }
            var step = new double[n];
            for (var i = 0; i < n; i++) step[i] = (mean[i] - old[i]) / sigma;

            // C^(−1/2)·step = B·D⁻¹·Bᵀ·step.
            var whitened = new double[n];
            var projected = new double[n];
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var i = 0; i < n; i++) s += basis[i, j] * step[i];
                projected[j] = s / scales[j];
            }
            for (var i = 0; i < n; i++)
            {
                double s = 0;
                for (var j = 0; j < n; j++) s += basis[i, j] * projected[j];
                whitened[i] = s;
            }
            var sigmaRate = Math.Sqrt(cSigma * (2 - cSigma) * muEff);
            double norm = 0;
            for (var i = 0; i < n; i++)
            {
                pSigma[i] = (1 - cSigma) * pSigma[i] + sigmaRate * whitened[i];
                norm += pSigma[i] * pSigma[i];
            }
            norm = Math.Sqrt(norm);
            Generation++;
            // h_σ stops the rank-one path from growing while the step size is still adapting upwards.
            var hSigma = norm / Math.Sqrt(1 - Math.Pow(1 - cSigma, 2 * Generation)) < (1.4 + 2.0 / (n + 1)) * chiN ? 1.0 : 0.0;
            var pathRate = Math.Sqrt(cC * (2 - cC) * muEff);
            for (var i = 0; i < n; i++) pC[i] = (1 - cC) * pC[i] + hSigma * pathRate * step[i];

            var updated = new double[n, n];
            for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var rankMu = 0.0;
                for (var k = 0; k < ranked.Length; k++)
                    rankMu += recombination[k] * (ranked[k][i] - old[i]) * (ranked[k][j] - old[j]) / (sigma * sigma);
                var value = (1 - c1 - cMu) * covariance[i, j]
                    + c1 * (pC[i] * pC[j] + (1 - hSigma) * cC * (2 - cC) * covariance[i, j])
                    + cMu * rankMu;
                updated[i, j] = updated[j, i] = value;
            }
            covariance = updated;
            sigma *= Math.Exp(cSigma / dSigma * (norm / chiN - 1));
            sigma = Math.Clamp(sigma, 1e-10, 1.0);
            Decompose();
            proposals.Clear();
            results.Clear();
        }

        private void Decompose()
        {
            var (values, vectors) = SymmetricEigen(covariance);
            if (values.Any(v => !(v > 1e-20)) || values.Max() / values.Min() > 1e14)
            {
                // A degenerate covariance cannot be sampled from: restart its shape, keep the mean.
                covariance = Identity(n);
                basis = Identity(n);
                scales = Enumerable.Repeat(1.0, n).ToArray();
                return;
            }
            basis = vectors;
            scales = values.Select(Math.Sqrt).ToArray();
        }

        private static double[,] Identity(int size)
        {
            var m = new double[size, size];
            for (var i = 0; i < size; i++) m[i, i] = 1;
            return m;
        }

        /// <summary>Cyclic Jacobi rotations: eigenvalues and column eigenvectors of a small symmetric matrix.</summary>
        private static (double[] Values, double[,] Vectors) SymmetricEigen(double[,] matrix)
        {
            var size = matrix.GetLength(0);
            var a = (double[,])matrix.Clone();
            var v = Identity(size);
            for (var sweep = 0; sweep < 100; sweep++)
            {
                double off = 0;
                for (var p = 0; p < size; p++)
                for (var q = p + 1; q < size; q++)
                    off += a[p, q] * a[p, q];
                if (off < 1e-30) break;
                for (var p = 0; p < size; p++)
                for (var q = p + 1; q < size; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300) continue;
                    var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < size; k++)
                    {
                        var akp = a[k, p];
                        var akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (var k = 0; k < size; k++)
                    {
                        var apk = a[p, k];
                        var aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (var k = 0; k < size; k++)
                    {
                        var vkp = v[k, p];
                        var vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
            }
            var values = new double[size];
            for (var i = 0; i < size; i++) values[i] = a[i, i];
            return (values, v);
        }
    }
}
