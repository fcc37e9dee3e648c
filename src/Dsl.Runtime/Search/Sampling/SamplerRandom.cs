namespace Dsl.Search.Sampling;

/// <summary>
/// A small seeded generator (xoshiro256** fed by SplitMix64). Samplers own their randomness so that a seed gives the same
/// proposals on every platform and .NET version, which <see cref="Random"/> does not promise.
/// </summary>
internal sealed class SamplerRandom
{
    private ulong s0, s1, s2, s3;
    private double? spareGaussian;

    /// <summary>A generator whose stream is a pure function of the seed and the stream coordinates.</summary>
    public SamplerRandom(long seed, params long[] streams)
    {
        var state = (ulong)seed;
        foreach (var stream in streams)
            state = SplitMix(ref state) ^ (ulong)stream * 0xD1B54A32D192ED03UL;
        s0 = SplitMix(ref state);
        s1 = SplitMix(ref state);
        s2 = SplitMix(ref state);
        s3 = SplitMix(ref state);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1): safe to take logarithms and inverse CDFs of.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Uniform over 0 .. <paramref name="count"/> − 1, without modulo bias.</summary>
    public int NextInt(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count));
        var bound = (ulong)count;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    /// <summary>A standard normal draw (Marsaglia's polar method).</summary>
    public double NextGaussian()
    {
        if (spareGaussian is { } spare)
        {
            spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        spareGaussian = v * factor;
        return u * factor;
    }

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/> (non-negative, not all zero).</summary>
    public int NextWeighted(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        var target = NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target < 0) return i;
        }
        // Rounding can leave target a hair above zero: fall back to the last index with weight.
        for (var i = weights.Length - 1; i >= 0; i--)
            if (weights[i] > 0) return i;
        return weights.Length - 1;
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Mixes integers into one well-spread 64-bit value (a stable hash, unlike <see cref="HashCode"/>).</summary>
    public static ulong Mix(params long[] values)
    {
        var state = 0x243F6A8885A308D3UL;
        foreach (var value in values)
        {
            state ^= (ulong)value;
            state = SplitMix(ref state);
        }
        return state;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
