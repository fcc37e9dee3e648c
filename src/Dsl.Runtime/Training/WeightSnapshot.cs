using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>A detached copy of a module's state dict (parameters and buffers), to put back later; owns its tensors.</summary>
internal sealed class WeightSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    private WeightSnapshot(Dictionary<string, Tensor> tensors) => this.tensors = tensors;

    public IReadOnlyDictionary<string, Tensor> Tensors => tensors;

    public static WeightSnapshot Capture(nn.Module model)
    {
        using var noGrad = no_grad();
        var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.state_dict())
            // Under no_grad the clone needs no detach; it leaves any scope of the caller's because the snapshot disposes itself.
            copies[name] = tensor.clone().DetachFromDisposeScope();
        return new WeightSnapshot(copies);
    }

    public static WeightSnapshot Adopt(Dictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values) tensor.DetachFromDisposeScope();
        return new WeightSnapshot(tensors);
    }

    /// <summary>Overwrites the snapshot with the module's current state, reusing its tensors.</summary>
    public void Update(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
            tensors[name].copy_(tensor);
    }

    public void RestoreInto(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
            tensor.copy_(tensors[name]);
    }

    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
        tensors.Clear();
    }
}
