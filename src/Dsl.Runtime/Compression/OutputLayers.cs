using static TorchSharp.torch;

namespace Dsl.Compression;

/// <summary>Finds the weights of a model's output layers, which structured pruning must leave whole.</summary>
internal static class OutputLayers
{
    /// <summary>
    /// The names among <paramref name="weights"/> (<paramref name="module"/>'s weights, in registration order) that produce
    /// the model's outputs: those inside the modules that each generated model in <paramref name="module"/> declares with
    /// <see cref="OutputLayerAttribute"/>, named from the root. A hand-written root does not say, so its last registered
    /// weight counts too, unless that lies inside a generated model (an ensemble's last member), which has said.
    /// </summary>
    public static HashSet<string> Of(nn.Module module, IReadOnlyList<string> weights)
    {
        var found = StateDictNames.Declared<OutputLayerAttribute>(module).ToList();
        var declared = found.SelectMany(d => d.Attribute.Modules.Select(name => StateDictNames.FromRoot(d.Path, name))).ToList();
        var generated = found.Select(d => d.Path).ToList();

        var result = weights.Where(w => declared.Any(d => StateDictNames.Within(d, w))).ToHashSet(StringComparer.Ordinal);
        if (weights.Count > 0 && !generated.Any(g => g.Length == 0 || StateDictNames.Within(g, weights[^1]))) result.Add(weights[^1]);
        return result;
    }
}
