using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>
/// A scrambled Halton sequence: low-discrepancy points that cover the space more evenly than random draws in the first
/// few dozen trials. Each parameter owns one prime base (by declaration order); digits are scrambled by seeded random
/// permutations, one per base and digit position, which removes the correlations of plain Halton in higher bases.
/// </summary>
public sealed class HaltonSampler : ISampler
{
    private readonly Lock gate = new();
    private readonly Dictionary<(int Dimension, int Digit), int[]> permutations = [];
    private long nextIndex;
    private int[] primes = [];

    /// <summary>Creates a Halton sampler; without a seed, one is drawn (see <see cref="Seed"/>).</summary>
    public HaltonSampler(int? seed = null) => Seed = seed ?? SamplingSupport.FreshSeed();

    /// <summary>The scrambling seed in use.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object> Sample(
        SearchSpace space,
        IReadOnlyList<TrialRecord> history,
        StudyDirection direction,
        IReadOnlyDictionary<string, object>? fixedValues = null)
    {
        var (representations, pinned) = SamplingSupport.Begin(space, history, fixedValues);
        lock (gate)
        {
            // The point's index follows the study's length so that sequential and resumed runs walk the sequence in order;
            // the counter keeps parallel callers that see the same history on distinct points.
            var index = Math.Max(history.Count, nextIndex);
            nextIndex = index + 1;
            EnsurePrimes(space.Count);
            return SamplingSupport.Walk(space, representations, pinned,
                (i, assignment) => assignment[space[i].Name] = representations[i].FromUnit(RadicalInverse(i, index)));
        }
    }

    /// <summary>The scrambled radical inverse of <paramref name="index"/> in the base of <paramref name="dimension"/>.</summary>
    internal double RadicalInverse(int dimension, long index)
    {
        var b = primes[dimension];
        var digits = (int)Math.Ceiling(53 * Math.Log(2) / Math.Log(b));
        double result = 0;
        var scale = 1.0 / b;
        var n = index;
        // Digits past the index's length are zeros that the permutations may send elsewhere, so all of them count.
        for (var position = 0; position < digits; position++)
        {
            var digit = (int)(n % b);
            n /= b;
            result += Permutation(dimension, position, b)[digit] * scale;
            scale /= b;
        }
        return Math.Min(result, 1 - 1e-16);
    }

    private int[] Permutation(int dimension, int position, int b)
    {
        if (permutations.TryGetValue((dimension, position), out var permutation)) return permutation;
        permutation = Enumerable.Range(0, b).ToArray();
        new SamplerRandom(Seed, dimension, position).Shuffle(permutation);
        permutations[(dimension, position)] = permutation;
        return permutation;
    }

    private void EnsurePrimes(int count)
    {
        if (primes.Length >= count) return;
        var list = new List<int>();
        for (var candidate = 2; list.Count < count; candidate++)
        {
            var isPrime = true;
            foreach (var p in list)
            {
                if (p * p > candidate) break;
                if (candidate % p == 0) { isPrime = false; break; }
            }
            if (isPrime) list.Add(candidate);
        }
        primes = [.. list];
    }
}
