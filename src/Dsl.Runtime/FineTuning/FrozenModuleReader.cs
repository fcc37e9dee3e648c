using System.Reflection;
using static TorchSharp.torch;

namespace Dsl.FineTuning;

/// <summary>A module that a [Frozen] block holds, by its state-dict name from the trained model's root.</summary>
internal sealed record FrozenModule(string Name, bool TrainBatchNorm)
{
    /// <summary>Whether the parameter or module <paramref name="name"/> is this module or lies inside it.</summary>
    public bool Holds(string name) =>
        name.StartsWith(Name, StringComparison.Ordinal) && (name.Length == Name.Length || name[Name.Length] == '.');
}

/// <summary>Reads the modules that generated models mark frozen through <see cref="FrozenModulesAttribute"/>.</summary>
internal static class FrozenModuleReader
{
    /// <summary>
    /// The frozen modules of <paramref name="module"/> and of every generated model inside it (an ensemble's members),
    /// named from <paramref name="module"/>'s root.
    /// </summary>
    public static IReadOnlyList<FrozenModule> Of(nn.Module module)
    {
        var result = new List<FrozenModule>();
        foreach (var (path, owner) in module.named_modules().Prepend(("", module)))
            foreach (var attribute in owner.GetType().GetCustomAttributes<FrozenModulesAttribute>(inherit: false))
                foreach (var name in attribute.Modules)
                    result.Add(new FrozenModule(path.Length == 0 ? name : path + "." + name, attribute.TrainBatchNorm));
        return result.Distinct().ToList();
    }
}
