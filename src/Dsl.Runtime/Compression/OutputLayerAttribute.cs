using System.ComponentModel;

namespace Dsl.Compression;

/// <summary>
/// Written by the generator on every model: the state-dict names of the modules whose outputs are the model's (Forward's
/// last layer with weights), which structured pruning leaves whole so no output is removed.
/// </summary>
/// <remarks>
/// A name selects the module and everything under it. Several names are written where Forward ends in a Fuse (each
/// branch's output module); a Residual or Repeat at the end is named whole.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class OutputLayerAttribute : Attribute
{
    /// <summary>Marks the modules named <paramref name="modules"/> as the model's output layers.</summary>
    public OutputLayerAttribute(params string[] modules) => Modules = modules ?? [];

    /// <summary>The state-dict names of the output modules.</summary>
    public IReadOnlyList<string> Modules { get; }
}
