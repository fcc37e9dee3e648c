using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;

namespace Dsl.Generator.Isolation;

/// <summary>
/// A model's files with the names they use, and whether they bind on their own: no name they use (nor any name in a
/// global using) is a type declared in a file outside them. Self-contained models are parsed against a compilation of
/// just their files, so an edit elsewhere never reparses them; the others are parsed against the whole compilation.
/// </summary>
internal sealed record ModelInput(ModelSource Source, EquatableArray<string> Names, bool SelfContained)
{
    /// <summary>Reads the names the model's files use; runs only when those files change.</summary>
    public static ModelInput Read(ModelSource source, CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(System.StringComparer.Ordinal);
        foreach (var file in source.Files)
            names.UnionWith(SourceNames.Referenced(file.Parse(cancellationToken).GetRoot(cancellationToken), cancellationToken));
        return new ModelInput(source, names.ToEquatableArray(), SelfContained: false);
    }

    /// <summary>Decides <see cref="SelfContained"/> from the types declared in source and the global usings.</summary>
    /// <remarks>
    /// Only type names count: a namespace declared in another file whose name hides an imported type is not detected,
    /// since every file of a project typically shares its root namespaces and counting them would isolate nothing.
    /// </remarks>
    public ModelInput Classify(DeclaredTypes declaredTypes, EquatableArray<GlobalUsing> globalUsings)
    {
        var own = new HashSet<string>(Source.Files.Select(f => f.Path));
        bool Elsewhere(string name) => declaredTypes.DeclaredOutside(name, own);
        var selfContained = !Names.Any(Elsewhere) && !globalUsings.Any(u => u.Names.Any(Elsewhere));
        return this with { SelfContained = selfContained };
    }
}
