using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Dsl.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Dsl.Generator.Isolation;

/// <summary>
/// A [Model] class as the syntax stage finds it: where it is and the text of every file that declares a part of it.
/// It is equal to an earlier one exactly when those files did not change, so edits elsewhere leave it cached.
/// </summary>
/// <param name="MetadataName">The class's metadata name, for finding it again in a compilation.</param>
/// <param name="TargetPath">The file of the declaration that carries [Model].</param>
/// <param name="TargetSpan">That declaration's span.</param>
/// <param name="Files">Every file declaring a part of the class, in path order.</param>
internal sealed record ModelSource(string MetadataName, string TargetPath, TextSpan TargetSpan, EquatableArray<SourceFile> Files)
{
    /// <summary>Reads the class's location and files; binds nothing beyond what finding the attribute already did.</summary>
    public static ModelSource? From(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax node) return null;
        var files = type.DeclaringSyntaxReferences
            .Select(r => r.SyntaxTree)
            .Append(node.SyntaxTree)
            .Distinct()
            .OrderBy(t => t.FilePath, StringComparer.Ordinal)
            .Select(t => new SourceFile(t.FilePath, t.GetText(cancellationToken), (CSharpParseOptions)t.Options));
        return new ModelSource(MetadataNameOf(type), node.SyntaxTree.FilePath, node.Span, files.ToEquatableArray());
    }

    /// <summary>Finds the class and the declaration carrying [Model] in <paramref name="compilation"/>.</summary>
    public (INamedTypeSymbol Type, TypeDeclarationSyntax Node)? Find(Compilation compilation, CancellationToken cancellationToken)
    {
        if (compilation.Assembly.GetTypeByMetadataName(MetadataName) is not { } type) return null;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.Span != TargetSpan || reference.SyntaxTree.FilePath != TargetPath) continue;
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax node) return (type, node);
        }
        return null;
    }

    /// <summary>The name <see cref="IAssemblySymbol.GetTypeByMetadataName"/> takes: <c>Ns.Outer+Inner`1</c>.</summary>
    private static string MetadataNameOf(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            name = outer.MetadataName + "+" + name;
        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }
}

/// <summary>One source file's path, text and parse options; equal when the text is.</summary>
internal sealed class SourceFile(string path, SourceText text, CSharpParseOptions options) : IEquatable<SourceFile>
{
    public string Path { get; } = path;

    public SourceText Text { get; } = text;

    public CSharpParseOptions Options { get; } = options;

    /// <summary>
    /// Trees already parsed from a text, by path and options: several models in one file, and the name reading and the
    /// isolated parse of one model, share a single parse. Entries live as long as their text, which the compilation
    /// holds anyway; linked files share a text across projects, hence the key.
    /// </summary>
    private static readonly ConditionalWeakTable<SourceText, ConcurrentDictionary<(string Path, CSharpParseOptions Options), SyntaxTree>> Parsed = new();

    /// <summary>Parses the file again: the same text, path and options give the same spans and locations.</summary>
    public SyntaxTree Parse(CancellationToken cancellationToken) =>
        Parsed.GetValue(Text, static _ => new ConcurrentDictionary<(string, CSharpParseOptions), SyntaxTree>())
            .GetOrAdd((Path, Options), key => CSharpSyntaxTree.ParseText(Text, key.Options, key.Path, cancellationToken));

    public bool Equals(SourceFile? other) =>
        other is not null && Path == other.Path && Options.Equals(other.Options)
        && (ReferenceEquals(Text, other.Text) || Text.ContentEquals(other.Text));

    public override bool Equals(object? obj) => Equals(obj as SourceFile);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path) ^ Text.Length;
}
