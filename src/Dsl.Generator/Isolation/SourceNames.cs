using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator.Isolation;

/// <summary>A type declared in source, by simple name and file.</summary>
internal sealed record DeclaredType(string Name, string FilePath)
{
    public static DeclaredType? From(SyntaxNode node) => node switch
    {
        BaseTypeDeclarationSyntax type => new DeclaredType(type.Identifier.ValueText, node.SyntaxTree.FilePath),
        DelegateDeclarationSyntax @delegate => new DeclaredType(@delegate.Identifier.ValueText, node.SyntaxTree.FilePath),
        _ => null,
    };
}

/// <summary>
/// Every type declared in source, compared by content; the name → files lookup the classification asks is built once
/// per change of the declarations, not once per model.
/// </summary>
internal sealed class DeclaredTypes(EquatableArray<DeclaredType> types) : IEquatable<DeclaredTypes>
{
    private Dictionary<string, List<string>>? filesByName;

    private EquatableArray<DeclaredType> Types { get; } = types;

    /// <summary>Whether a type named <paramref name="name"/> is declared in a file outside <paramref name="own"/>.</summary>
    public bool DeclaredOutside(string name, HashSet<string> own)
    {
        // Two threads may both build it; either result is the same.
        var index = filesByName ??= Index(Types);
        return index.TryGetValue(name, out var files) && files.Exists(f => !own.Contains(f));
    }

    private static Dictionary<string, List<string>> Index(EquatableArray<DeclaredType> types)
    {
        var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (!index.TryGetValue(type.Name, out var files)) index[type.Name] = files = new List<string>();
            files.Add(type.FilePath);
        }
        return index;
    }

    public bool Equals(DeclaredTypes? other) => other is not null && Types.Equals(other.Types);

    public override bool Equals(object? obj) => Equals(obj as DeclaredTypes);

    public override int GetHashCode() => Types.GetHashCode();
}

/// <summary>A <c>global using</c> directive: it applies to every file, so an isolated parse must see it too.</summary>
internal sealed record GlobalUsing(string FilePath, int Position, string Text, EquatableArray<string> Names)
{
    public static GlobalUsing From(UsingDirectiveSyntax directive) =>
        new(directive.SyntaxTree.FilePath, directive.SpanStart, directive.ToString(), SourceNames.Referenced(directive));
}

/// <summary>Reads which names a piece of syntax refers to, without binding.</summary>
internal static class SourceNames
{
    /// <summary>
    /// Every simple name <paramref name="root"/> uses, sorted and distinct. An attribute name N also counts as
    /// NAttribute; the names of namespace declarations do not count, since they declare rather than refer.
    /// </summary>
    public static EquatableArray<string> Referenced(SyntaxNode root, CancellationToken cancellationToken = default)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in root.DescendantNodesAndSelf())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (node is not SimpleNameSyntax name || IsNamespaceDeclarationName(name)) continue;
            var text = name.Identifier.ValueText;
            names.Add(text);
            if (IsAttributeName(name)) names.Add(text + "Attribute");
        }
        return names.ToEquatableArray();
    }

    private static bool IsNamespaceDeclarationName(SimpleNameSyntax name)
    {
        SyntaxNode current = name;
        while (current.Parent is QualifiedNameSyntax qualified) current = qualified;
        return current.Parent is BaseNamespaceDeclarationSyntax ns && ns.Name == current;
    }

    private static bool IsAttributeName(SimpleNameSyntax name)
    {
        SyntaxNode current = name;
        if (current.Parent is QualifiedNameSyntax qualified && qualified.Right == name) current = qualified;
        if (current.Parent is AliasQualifiedNameSyntax alias && alias.Name == name) current = alias;
        return current.Parent is AttributeSyntax attribute && attribute.Name == current;
    }
}
