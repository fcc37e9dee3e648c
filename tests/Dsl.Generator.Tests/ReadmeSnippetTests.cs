using System.Runtime.CompilerServices;
using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator.Tests;

/// <summary>
/// The README's C# snippets compile as written, <c>using</c> lines included, with the generator, as in a new console
/// project (nullable on, the SDK's implicit usings). Every <c>```csharp</c> block is compiled; <c>```cs</c> marks an
/// illustrative excerpt of generated code (it elides with <c>...</c>) and is not. Blocks that declare types are files of
/// the project; each block of statements is its Program.cs in turn, with a prelude after the block's own <c>using</c>
/// lines that declares the variables the README leaves to the reader (<c>train</c>, <c>validation</c>, <c>test</c>).
/// Failures name the README line.
/// </summary>
public sealed class ReadmeSnippetTests
{
    private const string Readme = "README.md";

    // What `dotnet new console` turns on: the SDK's implicit usings for Microsoft.NET.Sdk.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    // Fully qualified, so the prelude lends a block no namespace that its own using lines lack.
    private const string FreeVariables = """
        internal static class ReadmeFreeVariables
        {
            public static (global::Dsl.Training.TensorDataset, global::Dsl.Training.TensorDataset, global::Dsl.Training.TensorDataset) Datasets() =>
                throw new global::System.NotSupportedException("The README's data is the reader's own.");
        }
        """;

    private const string Prelude = "var (train, validation, test) = ReadmeFreeVariables.Datasets();";

    [Fact]
    public void EveryCSharpBlockCompilesAsWritten()
    {
        var problems = Compile(Snippets(), allUsingLines: false);
        Assert.True(problems.Count == 0, "README C# blocks that do not compile as written:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void EveryCSharpBlockCompilesUnderTheUsingLinesOfAllBlocks()
    {
        // A reader who pastes the snippets into one file gets every block's using lines at once, TorchSharp's
        // `using static TorchSharp.torch` among them: no name the README uses may then become ambiguous.
        var problems = Compile(Snippets(), allUsingLines: true);
        Assert.True(problems.Count == 0, "README C# blocks that do not compile under the using lines of all blocks:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void OnlyExcerptsOfGeneratedCodeAreLeftUncompiled()
    {
        var blocks = MarkdownCodeBlocks.Read(ReadmePath());
        var uncompiled = blocks
            .Where(b => (b.Language == "cs" && !b.Text.Contains("...", StringComparison.Ordinal)) ||
                        (b.Language != "csharp" && b.Language.ToLowerInvariant() is "csharp" or "c#"))
            .Select(b => $"{Readme}({b.FirstLine}): this C# block is not compiled: fence it as ```csharp (```cs is for excerpts that elide with '...')").ToList();
        Assert.True(uncompiled.Count == 0, string.Join("\n", uncompiled));
        var snippets = Snippets();
        Assert.Contains(snippets, s => s.IsProgram);
        Assert.Contains(snippets, s => !s.IsProgram);
    }

    private sealed record Snippet(MarkdownCodeBlock Block, CompilationUnitSyntax Root)
    {
        public bool IsProgram => Root.Members.Any(m => m is GlobalStatementSyntax);

        public IEnumerable<string> UsingLines => Root.Usings.Select(u => u.ToString());

        /// <summary>The block as a file whose line directives map every diagnostic back to the README.</summary>
        public string Source(IReadOnlyList<string>? usingLines)
        {
            var lines = Block.Text.Split('\n');
            var head = Root.Usings.Count == 0 ? 0 : Root.Usings[^1].GetLocation().GetLineSpan().EndLinePosition.Line + 1;
            var text = new List<string>();
            if (usingLines is null)
                text.AddRange([$"#line {Block.FirstLine} \"{Readme}\"", .. lines[..head]]);
            else
                text.AddRange(["#line 1 \"using lines of all README blocks\"", .. usingLines]);
            if (IsProgram)
                text.AddRange(["#line 1 \"prelude\"", Prelude]);
            text.AddRange([$"#line {Block.FirstLine + head} \"{Readme}\"", .. lines[head..]]);
            return string.Join("\n", text) + "\n";
        }
    }

    private static IReadOnlyList<Snippet> Snippets() =>
        [.. MarkdownCodeBlocks.Read(ReadmePath())
            .Where(b => b.Language == "csharp")
            .Select(b => new Snippet(b, (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(b.Text, GeneratorHarness.ParseOptions).GetRoot()))];

    /// <summary>Compiles each program block with every declaration block (or the declarations alone when no block is a program).</summary>
    private static IReadOnlyList<string> Compile(IReadOnlyList<Snippet> snippets, bool allUsingLines)
    {
        var usingLines = allUsingLines ? snippets.SelectMany(s => s.UsingLines).Distinct().Order(StringComparer.Ordinal).ToList() : null;
        var declarations = snippets.Where(s => !s.IsProgram).Select(s => s.Source(usingLines)).ToList();
        var programs = snippets.Where(s => s.IsProgram).Select(s => s.Source(usingLines)).ToList();
        IEnumerable<(string? Program, OutputKind Kind)> projects = programs.Count == 0
            ? [(null, OutputKind.DynamicallyLinkedLibrary)]
            : programs.Select(p => ((string?)p, OutputKind.ConsoleApplication));
        return [.. projects.SelectMany(p => Problems([.. declarations, .. p.Program is null ? [] : new[] { p.Program }], p.Kind))
            .DistinctBy(d => d.ToString())
            .OrderBy(d => d.Location.GetMappedLineSpan().Path, StringComparer.Ordinal)
            .ThenBy(d => d.Location.GetMappedLineSpan().StartLinePosition)
            .Select(d => d.ToString())];
    }

    private static IEnumerable<Diagnostic> Problems(IReadOnlyList<string> sources, OutputKind kind)
    {
        var compilation = GeneratorHarness.Compilation([ImplicitUsings, FreeVariables, .. sources]);
        // Every warning wave, as a project on the latest analysis level gets.
        compilation = compilation.WithOptions(compilation.Options.WithOutputKind(kind).WithWarningLevel(9999));
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        using var stream = new MemoryStream();
        var emitted = output.Emit(stream);
        return generatorDiagnostics.Concat(emitted.Diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning);
    }

    private static string ReadmePath([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", Readme));
}
