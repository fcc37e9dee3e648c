using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Isolation;

/// <summary>
/// What a model's files need to bind as they would in the real compilation: its assembly name and options, its
/// metadata references and the project's <c>global using</c> directives. It changes only when the project's
/// settings, references or global usings do, never on an ordinary edit.
/// </summary>
/// <remarks>
/// It is the one pipeline value that holds a compiler object: a base compilation of the references and the global
/// usings alone, built on first use. It holds no user code, so keeping it alive keeps no old syntax trees or symbols of
/// the user's project alive, and it is replaced only together with the references.
/// </remarks>
internal sealed class IsolationEnvironment(
    string? assemblyName,
    CSharpCompilationOptions options,
    CSharpParseOptions parseOptions,
    ImmutableArray<MetadataReference> references,
    EquatableArray<GlobalUsing> globalUsings) : IEquatable<IsolationEnvironment>
{
    private string? AssemblyName { get; } = assemblyName;

    private CSharpCompilationOptions Options { get; } = options;

    private CSharpParseOptions ParseOptions { get; } = parseOptions;

    private ImmutableArray<MetadataReference> References { get; } = references;

    private EquatableArray<GlobalUsing> GlobalUsings { get; } = globalUsings;

    /// <summary>
    /// The references and global usings compiled once: compilations built from it by adding files share its bound
    /// references, which is most of what creating a compilation costs. Built on first use, never part of equality.
    /// </summary>
    private Compilation? baseCompilation;

    /// <summary>A compilation of just <paramref name="files"/>, the global usings and the references.</summary>
    public Compilation Compile(EquatableArray<SourceFile> files, CancellationToken cancellationToken)
    {
        var trees = files.Select(f => f.Parse(cancellationToken)).ToList();
        return Base(cancellationToken).AddSyntaxTrees(trees);
    }

    private Compilation Base(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref baseCompilation) is { } existing) return existing;
        var trees = new List<SyntaxTree>();
        if (!GlobalUsings.IsEmpty)
        {
            var text = string.Join("\n", GlobalUsings.Select(u => u.Text));
            trees.Add(CSharpSyntaxTree.ParseText(text, ParseOptions, "Dsl.Isolation.GlobalUsings.cs", cancellationToken: cancellationToken));
        }
        Compilation created = CSharpCompilation.Create(AssemblyName, trees, References, Options);
        // Binding the references once here is what every compilation derived from this one then reuses.
        _ = created.GetSpecialType(SpecialType.System_Object);
        return Interlocked.CompareExchange(ref baseCompilation, created, null) ?? created;
    }

    public bool Equals(IsolationEnvironment? other) =>
        other is not null
        && AssemblyName == other.AssemblyName
        && Options.Equals(other.Options)
        && ParseOptions.Equals(other.ParseOptions)
        && GlobalUsings.Equals(other.GlobalUsings)
        && References.Length == other.References.Length
        && References.Zip(other.References, ReferenceEquals).All(same => same);

    public override bool Equals(object? obj) => Equals(obj as IsolationEnvironment);

    public override int GetHashCode() => (AssemblyName?.GetHashCode() ?? 0) ^ References.Length;
}
