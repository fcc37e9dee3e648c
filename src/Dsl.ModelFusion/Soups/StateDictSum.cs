using Dsl.Checkpoints;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Soups;

/// <summary>A running sum of models' state dicts, in double precision, from which averages are written into a model.</summary>
/// <remarks>
/// Floating-point entries (weights, BatchNorm running statistics) are summed in float64, so the average of N identical
/// models is bitwise the model. Integer entries (BatchNorm's num_batches_tracked) cannot be averaged meaningfully and
/// keep the first model's value. Owns its tensors.
/// </remarks>
internal sealed class StateDictSum : IDisposable
{
    private readonly List<(string Key, Tensor Value, bool Floating)> entries = [];

    public StateDictSum(nn.Module first)
    {
        using var noGrad = no_grad();
        foreach (var (key, tensor) in first.state_dict())
        {
            var floating = tensor.is_floating_point();
            var value = floating ? tensor.to(ScalarType.Float64, copy: true) : tensor.clone();
            entries.Add((key, value.DetachFromDisposeScope(), floating));
        }
        Count = 1;
    }

    /// <summary>How many models the sum holds.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="model"/>, which must already have passed <see cref="CheckArchitectures"/>.</summary>
    public void Add(nn.Module model)
    {
        using var noGrad = no_grad();
        var state = model.state_dict();
        foreach (var (key, sum, floating) in entries)
        {
            if (!floating) continue;
            using var scope = NewDisposeScope();
            sum.add_(state[key].to(ScalarType.Float64, sum.device));
        }
        Count++;
    }

    /// <summary>Writes the average of the sum, and of <paramref name="extra"/> when given, into <paramref name="target"/>'s state dict.</summary>
    public void WriteAverage(nn.Module target, nn.Module? extra = null)
    {
        using var noGrad = no_grad();
        var state = target.state_dict();
        var extraState = extra?.state_dict();
        var count = extra is null ? Count : Count + 1;
        foreach (var (key, sum, floating) in entries)
        {
            using var scope = NewDisposeScope();
            var destination = state[key];
            if (!floating)
            {
                destination.copy_(sum);
                continue;
            }
            var total = extraState is null ? sum : sum.add(extraState[key].to(ScalarType.Float64, sum.device));
            destination.copy_(total.div(count));
        }
    }

    /// <summary>
    /// Throws unless every model has model 0's state-dict keys, shapes and types, and is of its class: the first
    /// difference is named, with the model's index and what was expected.
    /// </summary>
    public static void CheckArchitectures(IReadOnlyList<nn.Module> models)
    {
        const string why = "a soup averages models of one architecture";
        var reference = models[0].state_dict();
        for (var i = 1; i < models.Count; i++)
        {
            var state = models[i].state_dict();
            foreach (var (key, expected) in reference)
            {
                if (!state.TryGetValue(key, out var actual))
                    throw new FusionException($"Model {i} has no state-dict entry '{key}', which model 0 has; {why}.");
                if (!actual.shape.SequenceEqual(expected.shape))
                    throw new FusionException(
                        $"Model {i}'s state-dict entry '{key}' is shaped {StateDictFile.Format(actual.shape)}, but model 0's is {StateDictFile.Format(expected.shape)}; {why}.");
                if (actual.dtype != expected.dtype)
                    throw new FusionException(
                        $"Model {i}'s state-dict entry '{key}' holds {actual.dtype}, but model 0's holds {expected.dtype}; {why}.");
            }
            foreach (var key in state.Keys)
                if (!reference.ContainsKey(key))
                    throw new FusionException($"Model {i} has a state-dict entry '{key}' that model 0 lacks; {why}.");
            if (models[i].GetType() != models[0].GetType())
                throw new FusionException($"Model {i} is a {models[i].GetType().Name}, but model 0 is a {models[0].GetType().Name}; {why}.");
        }
    }

    public void Dispose()
    {
        foreach (var entry in entries) entry.Value.Dispose();
        entries.Clear();
    }
}
