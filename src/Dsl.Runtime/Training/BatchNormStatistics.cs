using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>Recomputes BatchNorm running statistics after weights were averaged (model soups, SWA), like PyTorch's <c>update_bn</c>.</summary>
/// <remarks>
/// Averaged weights no longer fit any member's running mean and variance, so they are measured afresh: the running
/// statistics are reset and one pass over the data, in train mode and without gradients, accumulates a cumulative
/// average of every batch's statistics (momentum null, PyTorch's momentum = None). Afterwards every module's train/eval
/// mode and every BatchNorm's momentum are as they were. Soups and the trainer's SWA both use it.
/// </remarks>
public static class BatchNormStatistics
{
    /// <summary>
    /// Resets and recomputes the running statistics of every BatchNorm in <paramref name="module"/> from one pass over
    /// <paramref name="data"/>'s inputs in batches of <paramref name="batchSize"/>, on <paramref name="device"/> (the
    /// module's device by default). Returns the number of BatchNorm layers updated; with none, nothing runs.
    /// </summary>
    /// <exception cref="ArgumentException">The module is not one from one to six tensors to a tensor, or the data is empty.</exception>
    public static int Recompute(nn.Module module, TensorDataset data, int batchSize, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var layers = module.modules().OfType<TorchSharp.Modules.BatchNorm>().Where(b => b.track_running_stats).ToList();
        if (layers.Count == 0) return 0;
        if (data.Count == 0) throw new ArgumentException("BatchNorm statistics need at least one sample.", nameof(data));

        var adapter = ModelAdapter.FromAny(module);
        if (data.InputTensors.Count != adapter.InputCount)
            throw new ArgumentException(
                $"{adapter.Name} takes {adapter.InputCount} input(s) but the dataset holds {data.InputTensors.Count}.", nameof(data));
        device ??= layers[0].running_mean!.device;

        var inputs = new Tensor[adapter.InputCount];
        return Recompute(module, () =>
        {
            for (long offset = 0; offset < data.Count; offset += batchSize)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(batchSize, data.Count - offset);
                for (var i = 0; i < inputs.Length; i++) inputs[i] = data.InputTensors[i].narrow(0, offset, length).to(device);
                adapter.Forward(inputs);
            }
        });
    }

    /// <summary>
    /// Resets the running statistics of every BatchNorm in <paramref name="module"/>, runs <paramref name="forwardPasses"/>
    /// in train mode without gradients with a cumulative average (momentum null), and puts modes and momenta back; the
    /// trainer's SWA passes its own training batches here. Returns the number of BatchNorm layers updated.
    /// </summary>
    /// <param name="module">The model whose BatchNorm layers are recomputed.</param>
    /// <param name="forwardPasses">Runs the model over the data.</param>
    /// <param name="kept">BatchNorm layers left alone and in eval mode throughout (those FreezeBatchNorm keeps); null for none.</param>
    internal static int Recompute(nn.Module module, Action forwardPasses, IReadOnlyCollection<nn.Module>? kept = null)
    {
        var layers = module.modules().OfType<TorchSharp.Modules.BatchNorm>()
            .Where(b => b.track_running_stats && !(kept?.Contains(b) ?? false)).ToList();
        if (layers.Count == 0) return 0;

        // train(bool) recurses, so modes are put back from the root down: each child's own mode lands last.
        var modes = module.named_modules()
            .Select(n => (Depth: n.name.Length == 0 ? 0 : n.name.Count(c => c == '.') + 1, Module: n.module, n.module.training))
            .Prepend((Depth: -1, Module: module, module.training))
            .OrderBy(m => m.Depth)
            .ToList();
        var momenta = layers.Select(b => b.momentum).ToList();
        try
        {
            using var noGrad = no_grad();
            foreach (var layer in layers)
            {
                layer.reset_running_stats();
                // TorchSharp, like PyTorch, takes a null momentum as a cumulative average over the batches seen (0 would freeze it).
                layer.momentum = null;
            }
            module.train();
            // In train mode a kept layer would normalize by the batch and move its statistics.
            foreach (var layer in kept ?? []) layer.eval();
            forwardPasses();
        }
        finally
        {
            for (var i = 0; i < layers.Count; i++) layers[i].momentum = momenta[i];
            foreach (var (_, m, training) in modes) m.train(training);
        }
        return layers.Count;
    }
}
