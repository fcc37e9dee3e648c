using static TorchSharp.torch;

namespace Dsl.FineTuning;

/// <summary>A module that a [Frozen] block holds, by its state-dict name from the trained model's root.</summary>
internal sealed record FrozenModule(string Name, bool TrainBatchNorm)
{
    /// <summary>Whether the parameter or module <paramref name="name"/> is this module or lies inside it.</summary>
    public bool Holds(string name) => StateDictNames.Within(Name, name);
}

/// <summary>Reads the modules that generated models mark frozen through <see cref="FrozenModulesAttribute"/>.</summary>
internal static class FrozenModuleReader
{
    /// <summary>
    /// The frozen modules of <paramref name="module"/> and of every generated model inside it (an ensemble's members),
    /// named from <paramref name="module"/>'s root.
    /// </summary>
    public static IReadOnlyList<FrozenModule> Of(nn.Module module) =>
        StateDictNames.Declared<FrozenModulesAttribute>(module)
            .SelectMany(d => d.Attribute.Modules.Select(name => new FrozenModule(StateDictNames.FromRoot(d.Path, name), d.Attribute.TrainBatchNorm)))
            .Distinct().ToList();
}
