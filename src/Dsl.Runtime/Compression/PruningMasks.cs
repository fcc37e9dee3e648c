using Dsl.FineTuning;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Compression;

/// <summary>
/// The 0/1 masks of one module's pruned weights (and, for structured pruning, their biases): made by magnitude pruning,
/// re-applied after every optimizer step so pruned weights stay zero, and written into the weights themselves so any
/// save holds them permanently (PyTorch's prune.remove).
/// </summary>
/// <remarks>
/// A mask starts from the weights' existing zeros, so a pruned checkpoint that is fine-tuned keeps its pattern, and a
/// resumed run rebuilds its masks from the weights it loads. Pruning only ever adds zeros: weights pruned before stay pruned.
/// </remarks>
internal sealed class PruningMasks : IDisposable
{
    private readonly Entry[] entries;

    private PruningMasks(Entry[] entries) => this.entries = entries;

    /// <summary>
    /// Masks for <paramref name="module"/>'s prunable weights: every weight of two or more dimensions (Linear, Conv,
    /// Embedding) whose name <paramref name="layers"/> matches, or all of them when it is null. Structured pruning by
    /// default leaves the output layers alone (see <see cref="OutputLayers"/>): pruning their rows would remove outputs.
    /// With <paramref name="leaveFrozen"/>, weights that do not require gradients (frozen for the run) are left out too,
    /// so pruning never changes a frozen layer.
    /// </summary>
    /// <exception cref="ArgumentException">No weight is selected.</exception>
    public static PruningMasks For(nn.Module module, LayerPattern? layers, PruningMethod method, bool leaveFrozen = false)
    {
        var named = module.named_parameters().ToArray();
        var byName = named.ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var weights = named.Where(p => p.parameter.dim() >= 2 && (layers?.Matches(p.name) ?? true)).ToList();
        // The output layers are found before frozen weights leave, as they are the model's whether frozen or not.
        if (method == PruningMethod.Structured && layers is null)
        {
            var outputs = OutputLayers.Of(module, weights.Select(p => p.name).ToArray());
            if (weights.Any(p => !outputs.Contains(p.name))) weights.RemoveAll(p => outputs.Contains(p.name));
        }
        var frozen = leaveFrozen ? weights.Where(p => !p.parameter.requires_grad).Select(p => p.name).ToArray() : [];
        weights.RemoveAll(p => frozen.Contains(p.name));
        if (weights.Count == 0)
        {
            var leftOut = frozen.Length == 0 ? "" : $" once its frozen weights ({string.Join(", ", frozen)}) are left out, as pruning must not change a frozen layer";
            throw new ArgumentException(layers is null
                ? $"{module.GetName()} has no weights of two or more dimensions to prune{leftOut}."
                : $"PruneLayers '{layers}' selects no weight of two or more dimensions in {module.GetName()}{leftOut}; its weights are {string.Join(", ", named.Where(p => p.parameter.dim() >= 2).Select(p => p.name))}.");
        }

        using var noGrad = no_grad();
        var entries = weights.Select(p =>
        {
            var biasName = p.name.EndsWith(".weight", StringComparison.Ordinal) ? p.name[..^".weight".Length] + ".bias" : null;
            var bias = method == PruningMethod.Structured && biasName is not null && byName.TryGetValue(biasName, out var b) && b.dim() == 1
                && b.shape[0] == p.parameter.shape[0] ? b : null;
            using var nonZero = p.parameter.ne(0);
            return new Entry(p.name, p.parameter, nonZero.to(p.parameter.dtype).DetachFromDisposeScope(), bias);
        }).ToArray();
        return new PruningMasks(entries);
    }

    /// <summary>Prunes until <paramref name="sparsity"/> of the covered weights are zero; <paramref name="norm"/> (1 or 2) ranks structured rows.</summary>
    public void PruneTo(double sparsity, PruningMethod method, int norm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        switch (method)
        {
            case PruningMethod.Global:
                PruneGlobal(sparsity);
                break;
            case PruningMethod.PerLayer:
                foreach (var entry in entries) PruneSmallest([entry], sparsity);
                break;
            case PruningMethod.Structured:
                foreach (var entry in entries) PruneRows(entry, sparsity, norm);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown pruning method.");
        }
        Apply();
    }

    /// <summary>Zeroes the pruned weights again; called after every optimizer step.</summary>
    public void Apply()
    {
        using var noGrad = no_grad();
        foreach (var entry in entries)
        {
            entry.Weight.mul_(entry.Mask);
            if (entry.Bias is not null) entry.Bias.mul_(entry.RowMask());
        }
    }

    /// <summary>The fraction of zero weights now, overall and per covered tensor.</summary>
    public SparsityReport Measure() => Sparsity.Of(entries.Select(e => (e.Name, (Tensor)e.Weight)).ToArray());

    private void PruneGlobal(double sparsity) => PruneSmallest(entries, sparsity);

    /// <summary>Zeroes the smallest-magnitude weights of <paramref name="group"/> together until the fraction pruned is reached.</summary>
    private static void PruneSmallest(IReadOnlyList<Entry> group, double sparsity)
    {
        // Weights pruned before rank first, so a higher target only ever adds zeros.
        var scores = cat(group.Select(e => e.Weight.abs().where(e.Mask.ne(0), -1.0).flatten()).ToArray());
        var prune = (long)Math.Round(sparsity * scores.numel());
        if (prune == 0) return;
        var flat = ones_like(scores).index_fill_(0, scores.argsort().narrow(0, 0, prune), 0);
        long offset = 0;
        foreach (var entry in group)
        {
            var count = entry.Weight.numel();
            // A target below the zeros already there must not give pruned weights back: the masks only ever combine.
            entry.Mask.mul_(flat.narrow(0, offset, count).view(entry.Mask.shape));
            offset += count;
        }
    }

    /// <summary>Zeroes whole rows (output neurons, filters) of <paramref name="entry"/> with the smallest L1 or L2 norm.</summary>
    private static void PruneRows(Entry entry, double sparsity, int norm)
    {
        var rows = entry.Weight.shape[0];
        var prune = (long)Math.Round(sparsity * rows);
        if (prune == 0) return;
        var flat = entry.Weight.flatten(1);
        var scores = norm == 1 ? flat.abs().sum(1) : flat.square().sum(1).sqrt();
        scores = scores.where(entry.RowMask().ne(0), -1.0);
        var keep = ones(rows, dtype: entry.Mask.dtype, device: entry.Mask.device).index_fill_(0, scores.argsort().narrow(0, 0, prune), 0);
        var shape = new long[entry.Mask.dim()];
        Array.Fill(shape, 1L);
        shape[0] = rows;
        // Combined, not copied: zeros of element-level pruning (a fine-tuned sparse checkpoint) stay.
        entry.Mask.mul_(keep.view(shape));
    }

    public void Dispose()
    {
        foreach (var entry in entries) entry.Mask.Dispose();
    }

    private sealed record Entry(string Name, Parameter Weight, Tensor Mask, Parameter? Bias)
    {
        /// <summary>1 for each output row with any weight left, 0 for rows pruned whole: the bias mask of structured pruning.</summary>
        public Tensor RowMask() => Mask.flatten(1).amax(1).to(Mask.dtype);
    }
}
