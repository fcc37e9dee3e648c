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
