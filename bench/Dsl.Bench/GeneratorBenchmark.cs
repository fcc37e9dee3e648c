using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dsl.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Bench;

/// <summary>
/// Wall time of <see cref="ModelGenerator"/> over one compilation of 100 model classes of about 60 layers each (image,
/// signal and sequence models with hyperparameters, blocks, residuals and repeats), and of the rerun after an edit to a
/// file that declares no model.
/// </summary>
/// <remarks>
/// A full run gets a fresh driver and a fresh clone of the compilation, so no symbol or binding cache from an earlier run
/// helps it, as in a clean build; parsing is the compiler's work and is not counted. The figure is the median of
/// <c>--runs N</c> (9) runs after three warm-up runs, divided by the model count. The unrelated edit reruns a driver that
/// has already seen the compilation, with one non-model file replaced, and checks that every tracked step reports
/// Cached or Unchanged, and that parsing, checking and emitting report Cached: they did not run. A model edit appends a
/// comment to one model's file, which parses that model again and no other.
/// </remarks>
public sealed class GeneratorBenchmark : IBenchmark
{
    private const int Models = 100;

    // Tiered JIT keeps speeding the generator up over the first few runs; a compiler server would be past that point.
    private const int WarmUps = 3;

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    // ModelGenerator's tracking names (Dsl.Generator.TrackingNames is internal); Roslyn's own steps, such as the
    // compilation itself, are Modified by any edit and say nothing about the generator.
    private static readonly string[] GeneratorSteps = ["ModelSources", "DeclaredTypes", "GlobalUsings", "ParsedModels", "CheckedModels", "Diagnostics", "AnyModel"];

    // The steps that bind or emit: after an unrelated edit they must not run at all (Cached), not merely find their
    // output equal (Unchanged).
    private static readonly string[] SemanticSteps = ["ParsedModels", "CheckedModels", "Diagnostics"];

    /// <inheritdoc />
    public string Name => "generator";

    /// <inheritdoc />
    public string Description => "ModelGenerator ms per model class (100 classes × ~60 layers, one compilation) and ms after an unrelated edit and after an edit in one model file";

    /// <inheritdoc />
    public IEnumerable<BenchResult> Run(string[] args)
    {
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(9);
        var sources = Enumerable.Range(0, Models).Select(ModelSource).ToList();
        var references = References();
        // Every full run gets newly parsed files, as a clean build does, so nothing keyed on a file's text carries over.
        CSharpCompilation Compile() => CSharpCompilation.Create(
            "GeneratorBenchmark",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Model{i}.cs"))
                .Append(CSharpSyntaxTree.ParseText(UnrelatedSource(0), ParseOptions, path: "Unrelated.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var compilation = Compile();
        Console.Error.WriteLine($"generator: {Models} models, {CountLayers(compilation)} layers, {runs} runs after {WarmUps} warm-ups");

        CheckOutput(compilation);
        var full = new List<double>();
        for (var i = 0; i < runs + WarmUps; i++)
        {
            var fresh = Compile();
            var driver = Driver(trackSteps: false);
            var watch = Stopwatch.StartNew();
            driver.RunGenerators(fresh);
            watch.Stop();
            if (i == 0) Console.Error.WriteLine($"generator: first (cold, JIT) full run {watch.Elapsed.TotalMilliseconds:F0} ms");
            if (i >= WarmUps) full.Add(watch.Elapsed.TotalMilliseconds);
        }
        Console.Error.WriteLine($"generator: full runs {string.Join(", ", full.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))} ms");
        yield return new BenchResult("generator_ms_per_model", Median(full) / Models, null, "ms");

        var incremental = Driver(trackSteps: false).RunGenerators(compilation);
        var current = compilation;
        var edits = TimeEdits(ref incremental, ref current, EditUnrelated, runs);
        Console.Error.WriteLine($"generator: Roslyn's own timing of the last edit run: {incremental.GetTimingInfo().ElapsedTime.TotalMilliseconds:F2} ms");
        CheckUnrelatedEditIsCached(compilation);
        Console.Error.WriteLine($"generator: unrelated edits {string.Join(", ", edits.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} ms");
        Console.Error.WriteLine($"generator: for scale, binding every attribute of the model classes after such an edit takes {BindingFloor(current, runs):F0} ms");
        yield return new BenchResult("generator_ms_unrelated_edit", Median(edits), null, "ms");

        // Typing in one model's file: only that model is parsed again.
        var modelEdits = TimeEdits(ref incremental, ref current, EditModel, runs);
        Console.Error.WriteLine($"generator: edits in one model's file {string.Join(", ", modelEdits.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} ms");
        yield return new BenchResult("generator_ms_model_edit", Median(modelEdits), null, "ms");
    }

    /// <summary>Applies <paramref name="edit"/> <see cref="WarmUps"/> + <paramref name="runs"/> times, timing each incremental rerun after the warm-ups.</summary>
    private static List<double> TimeEdits(ref GeneratorDriver driver, ref CSharpCompilation compilation, Func<CSharpCompilation, int, CSharpCompilation> edit, int runs)
    {
        var times = new List<double>();
        for (var i = 1; i <= runs + WarmUps; i++)
        {
            compilation = edit(compilation, i);
            var watch = Stopwatch.StartNew();
            driver = driver.RunGenerators(compilation);
            watch.Stop();
            if (i > WarmUps) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static GeneratorDriver Driver(bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            [new ModelGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    private static CSharpCompilation EditUnrelated(CSharpCompilation compilation, int edit)
    {
        var unrelated = compilation.SyntaxTrees.Last();
        return compilation.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(UnrelatedSource(edit), ParseOptions, unrelated.FilePath));
    }

    /// <summary>Appends a comment to the first model's file, as typing in it would change it.</summary>
    private static CSharpCompilation EditModel(CSharpCompilation compilation, int edit)
    {
        var model = compilation.SyntaxTrees.First();
        var text = model.GetText().ToString() + "// edit " + edit.ToString(CultureInfo.InvariantCulture) + "\n";
        return compilation.ReplaceSyntaxTree(model, CSharpSyntaxTree.ParseText(text, ParseOptions, model.FilePath));
    }

    /// <summary>A benchmark of broken models would measure error paths: the generated code must compile cleanly.</summary>
    private static void CheckOutput(CSharpCompilation compilation)
    {
        Driver(trackSteps: false).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var problems = diagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException($"the benchmark models do not compile cleanly ({problems.Count} problems), first: {problems[0]}");
        var generated = output.SyntaxTrees.Count() - compilation.SyntaxTrees.Count();
        if (generated != Models + 1) throw new InvalidOperationException($"expected {Models + 1} generated files, got {generated}");
    }

    private static void CheckUnrelatedEditIsCached(CSharpCompilation compilation)
    {
        var driver = Driver(trackSteps: true).RunGenerators(compilation).RunGenerators(EditUnrelated(compilation, 1000));
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        var reasons = new List<(string Step, IncrementalStepRunReason Reason)>();
        foreach (var name in GeneratorSteps)
        {
            if (!steps.TryGetValue(name, out var runs)) throw new InvalidOperationException($"the generator has no step named {name}");
            reasons.AddRange(runs.SelectMany(run => run.Outputs).Select(output => (name, output.Reason)));
        }
        var worked = reasons.Where(r => r.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)
                                        || (SemanticSteps.Contains(r.Step) && r.Reason != IncrementalStepRunReason.Cached)).ToList();
        if (worked.Count > 0)
            throw new InvalidOperationException("an unrelated edit re-ran " + string.Join(", ", worked.Select(w => w.Step + ":" + w.Reason).Distinct()));
        Console.Error.WriteLine("generator: after an unrelated edit, " + string.Join("; ", reasons.GroupBy(r => r.Step)
            .Select(g => g.Key + " " + string.Join(" ", g.GroupBy(r => r.Reason).Select(r => r.Count() + " " + r.Key)))));
    }

    /// <summary>
    /// What parsing every model against the edited compilation would cost the compiler alone (binding every attribute):
    /// the work the syntax-first stage saves, since ForAttributeWithMetadataName's own transform reruns on every edit.
    /// </summary>
    private static double BindingFloor(CSharpCompilation compilation, int runs)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var edited = EditUnrelated(compilation, 10_000 + i);
            var watch = Stopwatch.StartNew();
            foreach (var tree in edited.SyntaxTrees)
            {
                var model = edited.GetSemanticModel(tree);
                foreach (var type in tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
                    foreach (var member in model.GetDeclaredSymbol(type)!.GetMembers())
                        _ = member.GetAttributes();
            }
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Median(times);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static ImmutableArray<MetadataReference> References() =>
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(TorchSharp.torch).Assembly.Location, typeof(ModelAttribute).Assembly.Location])
            .Distinct()
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)),
    ];

    /// <summary>Layer attributes on partial methods, blocks included: what the generator expands.</summary>
    private static int CountLayers(CSharpCompilation compilation) =>
        compilation.SyntaxTrees.Sum(tree => tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Sum(method => method.AttributeLists.Sum(list => list.Attributes.Count)));

    private static string UnrelatedSource(int edit) =>
        "namespace Other;\npublic static class Helpers { public static int Value => " + edit.ToString(CultureInfo.InvariantCulture) + "; }\n";

    /// <summary>Model i: an image, signal or sequence network of about 60 layers, varied by i so no two are identical.</summary>
    private static string ModelSource(int i)
    {
        var text = new StringBuilder("using Dsl;\nusing static TorchSharp.torch;\n\nnamespace Bench.Models;\n\n");
        var width = 32 + 8 * (i % 5);
        var dense = string.Concat(Enumerable.Repeat("    [Linear(nameof(Hidden)), LayerNorm, Activate(nameof(Act)), Dropout(nameof(Rate))]\n", 8));
        var common = $$"""
                [Hyperparameter(32, 256, Log = true, Default = {{64 + i % 7}})] public partial int Hidden { get; }
                [Hyperparameter(0.0, 0.5, Default = 0.2)] public partial double Rate { get; }
                [Hyperparameter(Default = Activation.ReLU)] public partial Activation Act { get; }
                [Hyperparameter(1, 3, Default = 2)] public partial int Depth { get; }

                [Linear(nameof(Hidden)), Activate(nameof(Act))]
                private partial Tensor Mlp(Tensor x);

            """;
        switch (i % 3)
        {
            case 0:
                text.Append($$"""
                    [Model(Input = new[] { 3, {{width}}, {{width}} }, Outputs = 10)]
                    public partial class ImageNet{{i}}
                    {
                        [Hyperparameter(8, 64, Default = {{16 + i % 8}})] public partial int Channels { get; }
                        private int Wide => Channels * 2;
                    {{common}}
                        [Conv2d(nameof(Channels), 3, Padding = 1), BatchNorm2d, Activate(nameof(Act)), Conv2d(nameof(Channels), 3, Padding = 1), BatchNorm2d]
                        private partial Tensor Body(Tensor x);

                        [Conv2d(nameof(Channels), 3, Padding = 1), BatchNorm2d, Activate(nameof(Act))]
                        [Conv2d(nameof(Channels), 3, Padding = 1), BatchNorm2d, Activate(nameof(Act))]
                        [Residual(nameof(Body)), Activate(nameof(Act)), MaxPool2d(2)]
                        [Conv2d(nameof(Wide), 3, Padding = 1), BatchNorm2d, Activate(nameof(Act))]
                        [Conv2d(nameof(Wide), 3, Padding = 1), BatchNorm2d, Activate(nameof(Act)), AvgPool2d(2)]
                        [Conv2d(nameof(Wide), 3, Padding = 1), BatchNorm2d(Momentum = 0.05), Activate(Activation.GELU), AdaptiveAvgPool2d(2), Flatten]
                    {{dense}}    [Repeat(nameof(Mlp), nameof(Depth)), Linear(10)]
                        public partial Tensor Forward(Tensor image);
                    }

                    """);
                break;
            case 1:
                text.Append($$"""
                    [Model(Input = new[] { 4, {{width * 4}} }, Outputs = 5)]
                    public partial class SignalNet{{i}}
                    {
                        [Hyperparameter(8, 64, Default = {{16 + i % 8}})] public partial int Channels { get; }
                        [Hyperparameter(3, 7, Step = 2, Default = 5)] public partial int Kernel { get; }
                    {{common}}
                        [Conv1d(nameof(Channels), nameof(Kernel), Padding = 2), BatchNorm1d, Activate(nameof(Act))]
                        [Conv1d(nameof(Channels), 5, Padding = 2), BatchNorm1d, Activate(nameof(Act))]
                        [Conv1d(nameof(Channels), 3, Stride = 2, Padding = 1), BatchNorm1d, Activate(nameof(Act))]
                        [Conv1d(24, 3, Padding = 1), BatchNorm1d(Eps = 1e-3), Activate(Activation.SiLU)]
                        [Conv1d(24, 3, Dilation = 2, Padding = 2), BatchNorm1d, Activate(nameof(Act))]
                        [Conv1d(16, 3, Stride = 2, Padding = 1), BatchNorm1d, Activate(nameof(Act)), Flatten]
                    {{dense}}    [Repeat(nameof(Mlp), nameof(Depth)), Linear(5)]
                        public partial Tensor Forward(Tensor signal);
                    }

                    """);
                break;
            default:
                text.Append($$"""
                    [Model(Input = new[] { {{width}} }, Outputs = 4)]
                    public partial class TextNet{{i}}
                    {
                        [Hyperparameter(1, 3, Default = 2)] public partial int Layers { get; }
                    {{common}}
                        [MultiheadAttention(4), Dropout(nameof(Rate))]
                        private partial Tensor Attend(Tensor x);

                        [TransformerEncoderLayer(4, 64, nameof(Rate))]
                        private partial Tensor Encode(Tensor x);

                        [Embedding(1000, 32, PaddingIndex = 0), Residual(nameof(Attend)), LayerNorm, Repeat(nameof(Encode), nameof(Layers))]
                        [TransformerEncoderLayer(4, 64), TransformerEncoderLayer(8, 96, Activation = Activation.GELU), TransformerEncoderLayer(2, 48)]
                        [GRU(nameof(Hidden), Bidirectional = true, Return = Sequence.All), LayerNorm, Linear(nameof(Hidden)), Activate(Activation.GELU)]
                        [LSTM(nameof(Hidden), NumLayers = nameof(Layers), Return = Sequence.All), LayerNorm, Dropout(nameof(Rate))]
                        [LSTM(48, NumLayers = 2, Dropout = 0.1), Activate(nameof(Act))]
                    {{dense}}    [Repeat(nameof(Mlp), nameof(Depth)), Linear(4)]
                        public partial Tensor Forward(Tensor tokens);
                    }

                    """);
                break;
        }
        return text.ToString();
    }
}
