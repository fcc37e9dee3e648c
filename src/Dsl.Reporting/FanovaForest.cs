namespace Dsl.Reporting;

/// <summary>
/// A small bootstrap forest of regression trees over the unit cube, and the fANOVA main effects of each tree
/// (Hutter, Hoos and Leyton-Brown, ICML 2014), averaged over the forest.
/// </summary>
/// <remarks>
/// A regression tree is constant on axis-aligned boxes that tile the cube, so its functional ANOVA under the uniform
/// measure is exact and cheap: the marginal along one dimension is piecewise constant between that dimension's box
/// edges, and each piece is the sum of the overlapping boxes' values weighted by their extent in the other dimensions.
/// The main effect of a dimension is the variance of that marginal divided by the tree's total variance.
/// </remarks>
internal static class FanovaForest
{
    // Optuna's fANOVA evaluator uses 64 trees and grows them fully; a fixed seed makes the report repeatable.
    private const int TreeCount = 64;
    private const int MaxDepth = 32;
    private const ulong Seed = 0x9E3779B97F4A7C15UL;

    private sealed record Leaf(double[] Low, double[] High, double Value);

    /// <summary>
    /// The share of variance each dimension explains on its own, averaged over the trees that explain any variance;
    /// null when no tree does (all targets equal, or every input constant).
    /// </summary>
    /// <param name="x">One row per sample, every coordinate in [0, 1].</param>
    /// <param name="y">One finite target per sample.</param>
    public static double[]? MainEffects(IReadOnlyList<double[]> x, IReadOnlyList<double> y)
    {
        var n = y.Count;
        if (n < 2 || x.Count != n)
            return null;
        var dimensions = x[0].Length;

        // Shares of variance do not depend on the target's scale; standardising keeps a loss near 1e6 or a gap of 1e-9
        // away from the cancellation in the split gains below.
        var average = y.Average();
        var deviation = Math.Sqrt(y.Sum(v => (v - average) * (v - average)) / n);
        if (!(deviation > 0) || !double.IsFinite(deviation))
            return null;
        var target = y.Select(v => (v - average) / deviation).ToArray();

        var sums = new double[dimensions];
        var useful = 0;
        var random = new SplitMix64(Seed);
        for (var tree = 0; tree < TreeCount; tree++)
        {
            var sample = new int[n];
            for (var i = 0; i < n; i++)
                sample[i] = random.Next(n);
            var leaves = new List<Leaf>();
            Grow(x, target, sample, Filled(dimensions, 0), Filled(dimensions, 1), 0, leaves);
            if (TreeEffects(leaves, dimensions) is not { } effects)
                continue;
            for (var d = 0; d < dimensions; d++)
                sums[d] += effects[d];
            useful++;
        }
        if (useful == 0)
            return null;
        for (var d = 0; d < dimensions; d++)
            sums[d] /= useful;
        return sums;
    }

    private static double[] Filled(int length, double value)
    {
        var array = new double[length];
        Array.Fill(array, value);
        return array;
    }

    private static void Grow(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int[] rows, double[] low, double[] high, int depth, List<Leaf> leaves)
    {
        var mean = rows.Average(r => y[r]);
        if (rows.Length >= 2 && depth < MaxDepth && BestSplit(x, y, rows, out var feature, out var threshold))
        {
            var left = rows.Where(r => x[r][feature] <= threshold).ToArray();
            var right = rows.Where(r => x[r][feature] > threshold).ToArray();
            var leftHigh = (double[])high.Clone();
            leftHigh[feature] = threshold;
            var rightLow = (double[])low.Clone();
            rightLow[feature] = threshold;
            Grow(x, y, left, low, leftHigh, depth + 1, leaves);
            Grow(x, y, right, rightLow, high, depth + 1, leaves);
            return;
        }
        leaves.Add(new Leaf(low, high, mean));
    }

    /// <summary>The split with the largest drop in squared error, thresholds halfway between neighbouring distinct values.</summary>
    private static bool BestSplit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int[] rows, out int feature, out double threshold)
    {
        feature = -1;
        threshold = 0;
        var n = rows.Length;
        double total = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var r in rows)
        {
            total += y[r];
            min = Math.Min(min, y[r]);
            max = Math.Max(max, y[r]);
        }
        if (min == max)
            return false;

        // Gains below this are rounding noise, and splitting on them would hand importance to whichever feature comes first.
        var bestGain = 1e-12 * (max - min) * (max - min) * n;
        var baseline = total * total / n;
        var order = new int[n];
        var keys = new double[n];
        for (var f = 0; f < x[0].Length; f++)
        {
            Array.Copy(rows, order, n);
            for (var i = 0; i < n; i++)
                keys[i] = x[rows[i]][f];
            // Sorting on primitive keys is several times faster than through a comparer. Thresholds only fall between
            // distinct values, so how equal values end up ordered changes no candidate split.
            Array.Sort(keys, order);
            var leftSum = 0.0;
            for (var k = 1; k < n; k++)
            {
                leftSum += y[order[k - 1]];
                var lower = keys[k - 1];
                var upper = keys[k];
                if (!(lower < upper))
                    continue;
                var rightSum = total - leftSum;
                var gain = leftSum * leftSum / k + rightSum * rightSum / (n - k) - baseline;
                // Equal gains, up to rounding, go to the earlier dimension. A conditional parameter's "absent" cell
                // repeats what its parent says, and parents are declared first, so the parent keeps the credit.
                if (gain > bestGain * (1 + 1e-9))
                {
                    bestGain = gain;
                    feature = f;
                    threshold = 0.5 * (lower + upper);
                }
            }
        }
        return feature >= 0;
    }

    private static double[]? TreeEffects(List<Leaf> leaves, int dimensions)
    {
        var volumes = leaves.Select(l => Volume(l, -1)).ToArray();
        var mean = 0.0;
        for (var i = 0; i < leaves.Count; i++)
            mean += volumes[i] * leaves[i].Value;
        var variance = 0.0;
        for (var i = 0; i < leaves.Count; i++)
            variance += volumes[i] * (leaves[i].Value - mean) * (leaves[i].Value - mean);
        if (!(variance > 0) || !double.IsFinite(variance))
            return null;

        var effects = new double[dimensions];
        var events = new List<(double At, double Delta)>(2 * leaves.Count);
        for (var d = 0; d < dimensions; d++)
        {
            // A dimension no split touches has a flat marginal; summing it up would only leave rounding noise of 1e-33.
            if (leaves.All(l => l.Low[d] == 0 && l.High[d] == 1))
                continue;
            events.Clear();
            foreach (var leaf in leaves)
            {
                var weight = leaf.Value * Volume(leaf, d);
                events.Add((leaf.Low[d], weight));
                events.Add((leaf.High[d], -weight));
            }
            events.Sort((a, b) => a.At.CompareTo(b.At));

            // Sweep along the dimension: between consecutive box edges the marginal is the running sum of open boxes.
            var marginal = 0.0;
            var spread = 0.0;
            var k = 0;
            while (k < events.Count)
            {
                var at = events[k].At;
                while (k < events.Count && events[k].At == at)
                    marginal += events[k++].Delta;
                if (k < events.Count)
                    spread += (events[k].At - at) * (marginal - mean) * (marginal - mean);
            }
            effects[d] = Math.Clamp(spread / variance, 0, 1);
        }
        return effects;
    }

    /// <summary>The leaf's volume, leaving out dimension <paramref name="except"/> (none when negative).</summary>
    private static double Volume(Leaf leaf, int except)
    {
        var volume = 1.0;
        for (var d = 0; d < leaf.Low.Length; d++)
            if (d != except)
                volume *= leaf.High[d] - leaf.Low[d];
        return volume;
    }

    /// <summary>A tiny, fully specified generator, so the forest does not depend on the runtime's Random.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong state = state;

        public int Next(int exclusiveMax)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)exclusiveMax);
        }
    }
}
