using System.ComponentModel;

namespace Dsl.FineTuning;

/// <summary>
/// Written by the generator on a model with <see cref="FrozenAttribute"/> blocks: the state-dict names of the modules
/// those blocks hold, which the trainer freezes.
/// </summary>
/// <remarks>
/// A name selects the module and everything under it ("head_fc1" selects "head_fc1.weight"), never a module that merely
/// shares its prefix ("head_fc10"). A model carries one attribute for each BatchNorm setting its frozen blocks use.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class FrozenModulesAttribute : Attribute
{
    /// <summary>Freezes the modules named <paramref name="modules"/>.</summary>
    public FrozenModulesAttribute(params string[] modules) => Modules = modules ?? [];

    /// <summary>The state-dict names of the frozen modules.</summary>
    public IReadOnlyList<string> Modules { get; }

    /// <summary>Whether the BatchNorm layers among <see cref="Modules"/> update their running statistics; false keeps them in eval mode.</summary>
    public bool TrainBatchNorm { get; set; }
}
