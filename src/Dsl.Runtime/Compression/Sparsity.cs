using Dsl.FineTuning;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Compression;

/// <summary>Measures and applies magnitude pruning outside training; training prunes through <c>TrainingOptions.PruneTargetSparsity</c>.</summary>
public static class Sparsity
{
    /// <summary>
    /// Prunes <paramref name="module"/> once, in place: <paramref name="sparsity"/> of the weights that
    /// <paramref name="layers"/> selects (comma-separated globs over state-dict names; null for every weight of two or
    /// more dimensions) become zero. The zeros are written into the weights, so saving keeps them.
    /// </summary>
    /// <param name="module">The model to prune.</param>
    /// <param name="sparsity">The fraction in [0, 1) to prune.</param>
    /// <param name="method">Global, per-layer or structured.</param>
    /// <param name="layers">Which weights to prune.</param>
    /// <param name="norm">1 or 2: how structured pruning ranks neurons and filters.</param>
    /// <returns>The sparsity afterwards.</returns>
    public static SparsityReport Prune(nn.Module module, double sparsity, PruningMethod method = PruningMethod.Global, string? layers = null, int norm = 1)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!(sparsity >= 0 && sparsity < 1)) throw new ArgumentException($"sparsity must lie in [0, 1), but is {sparsity}.", nameof(sparsity));
        if (norm is not (1 or 2)) throw new ArgumentException($"norm must be 1 or 2, but is {norm}.", nameof(norm));
        using var masks = PruningMasks.For(module, layers is null ? null : LayerPattern.Parse(layers, nameof(layers)), method);
        masks.PruneTo(sparsity, method, norm);
        return masks.Measure();
    }

    /// <summary>The fraction of zero weights in <paramref name="module"/>'s weights of two or more dimensions (those <paramref name="layers"/> selects).</summary>
    public static SparsityReport Measure(nn.Module module, string? layers = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var pattern = layers is null ? null : LayerPattern.Parse(layers, nameof(layers));
        return Of(module.named_parameters().Where(p => p.parameter.dim() >= 2 && (pattern?.Matches(p.name) ?? true))
            .Select(p => (p.name, (Tensor)p.parameter)).ToArray());
    }

    internal static SparsityReport Of(IReadOnlyList<(string Name, Tensor Weight)> weights)
    {
        if (weights.Count == 0) return new SparsityReport(0, new Dictionary<string, double>());
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // One device sync for all tensors.
        using var zeros = stack(weights.Select(w => w.Weight.eq(0).sum().to(ScalarType.Int64)).ToArray()).cpu();
        var counts = zeros.data<long>().ToArray();
        var layers = new Dictionary<string, double>(StringComparer.Ordinal);
        long total = 0, zero = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var size = weights[i].Weight.numel();
            layers[weights[i].Name] = size == 0 ? 0 : counts[i] / (double)size;
            total += size;
            zero += counts[i];
        }
        return new SparsityReport(total == 0 ? 0 : zero / (double)total, layers);
    }
}
