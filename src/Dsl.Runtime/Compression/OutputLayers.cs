using System.Reflection;
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
        var declared = new List<string>();
        var generated = new List<string>();
        foreach (var (path, owner) in module.named_modules().Prepend(("", module)))
        {
            if (owner.GetType().GetCustomAttribute<OutputLayerAttribute>(inherit: false) is not { } attribute) continue;
            generated.Add(path);
            declared.AddRange(attribute.Modules.Select(name => path.Length == 0 ? name : path + "." + name));
        }

        var result = weights.Where(w => declared.Any(d => Holds(d, w))).ToHashSet(StringComparer.Ordinal);
        if (weights.Count > 0 && !generated.Any(g => g.Length == 0 || Holds(g, weights[^1]))) result.Add(weights[^1]);
        return result;
    }

    private static bool Holds(string module, string name) =>
        name.StartsWith(module, StringComparison.Ordinal) && (name.Length == module.Length || name[module.Length] == '.');
}
