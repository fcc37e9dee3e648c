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
/// <para>
/// It is the one pipeline value that holds compiler objects (the options, the references and, built on first use, a
/// base compilation of the references and the global usings alone), against the rule that pipeline values are plain
/// data. That is safe for these reasons:
/// </para>
/// <list type="bullet">
/// <item><b>Equality is by value, and never looks at the base compilation.</b> Two environments are equal when the
/// assembly name, the compilation and parse options (both compare by value in Roslyn), and the global usings' text are
/// equal, and the references are the very same <see cref="MetadataReference"/> instances in the same order. The base
/// compilation is a cache that is filled lazily and takes no part in equality or hashing, so building it cannot turn an
/// Unchanged step into a Modified one, and an edit to user code yields an equal environment: the steps after it stay
/// cached.</item>
/// <item><b>Nothing compiled from it is cached.</b> <see cref="Compile"/> is called inside the ParsedModels step, and
/// the compilation it returns lives only for that call: the parser turns it into an equatable ParsedModel of strings,
/// numbers and locations, which is what the driver keeps and what the outputs are made of (the caching tests walk every
/// tracked step's values and reject compilations, symbols and syntax). This value itself has no tracking name, so it is
/// kept only as the driver's last input of that step.</item>
/// <item><b>It holds no user code.</b> The base compilation's only syntax tree is the global usings' text, so keeping it
/// alive between runs keeps no old syntax tree or symbol of the user's files alive; only metadata of the references,
/// which the real compilation holds too.</item>
/// <item><b>A reference change replaces it.</b> Hosts create new <see cref="MetadataReference"/> instances when a
/// reference is added, removed or rebuilt, so identity comparison sees the change: the environment compares unequal, a
/// new one (with an empty cache) flows to every self-contained model, which is then parsed again, and the old one and its
/// base compilation become garbage. The only error identity can make is to see a change where there is none (the same
/// files loaded again), which costs a reparse, never a stale result.</item>
/// </list>
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
