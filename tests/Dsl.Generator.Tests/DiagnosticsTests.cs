using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>Every descriptor in the catalog fires on its misuse, at the source text that causes it.</summary>
public class DiagnosticsTests
{
    private const string Forward = "[Linear(2)] public partial Tensor Forward(Tensor x);";

    private static string Model(string members, string attribute = "[Model(Input = new[] { 4 }, Outputs = 2)]", string partial = "partial ") =>
        Sources.Usings + "namespace T;\npublic enum Mode { A, B }\n" + attribute + "\npublic " + partial + "class M\n{\n" + members + "\n}\n";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // id, source, the text the diagnostic must point at, a fragment its message must contain
        { "DSL0001", Model(Forward, partial: ""), "M", "'M' must be declared partial" },
        { "DSL0002", Model(Forward, attribute: "[Model(Outputs = 2)]"), "Model(Outputs = 2)", "declares no Input shape" },
        { "DSL0002", Model(Forward, attribute: "[Model(Input = new[] { 0, 4 })]"), "Model(Input = new[] { 0, 4 })", "every size must be positive" },
        { "DSL0003", Model("[Linear(\"Missing\"), Linear(2)] public partial Tensor Forward(Tensor x);"), "Linear(\"Missing\")", "'Missing' does not name a property or field of 'M'" },
        { "DSL0004", Model("double Ratio => 0.5;\n[Linear(nameof(Ratio)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Linear(nameof(Ratio))", "needs an int size, but 'Ratio' is of type 'double'" },
        { "DSL0004", Model("int Count => 2;\n[LayerNorm(Eps = nameof(Count)), Linear(2)] public partial Tensor Forward(Tensor x);"), "LayerNorm(Eps = nameof(Count))", "needs a double Eps, but 'Count' is of type 'int'" },
        { "DSL0003", Model("[MultiheadAttention(1, Dropout = \"Missing\"), Flatten, Linear(2)] public partial Tensor Forward([Shape(3, 4)] Tensor x);"), "MultiheadAttention(1, Dropout = \"Missing\")", "'Missing' does not name a property or field of 'M'" },
        { "DSL0005", Model("[Hyperparameter(8, 4)] public partial int H { get; }\n" + Forward), "Hyperparameter(8, 4)", "min 8 >= max 4" },
        { "DSL0006", Model("[Hyperparameter(0.0, 1.0, Log = true)] public partial double H { get; }\n" + Forward), "Hyperparameter(0.0, 1.0, Log = true)", "min is 0" },
        { "DSL0007", Model("[Hyperparameter(1, 4, Default = 9)] public partial int H { get; }\n" + Forward), "Hyperparameter(1, 4, Default = 9)", "default 9, outside its range [1, 4]" },
        { "DSL0007", Model("[Hyperparameter(Choices = new[] { \"a\" }, Default = \"b\")] public partial string H { get; }\n" + Forward), "Hyperparameter(Choices = new[] { \"a\" }, Default = \"b\")", "default \"b\"" },
        { "DSL0008", Model("[Hyperparameter(1, 4)] public partial System.DateTime H { get; }\n" + Forward), "H", "supported types are" },
        { "DSL0008", Model("[Hyperparameter(1, 4)] public int H { get; set; }\n" + Forward), "H", "only a 'get;' accessor" },
        { "DSL0009", Model("[Conv2d(8, 3), Linear(2)] public partial Tensor Forward(Tensor x);"), "Conv2d(8, 3)", "expects a [channels, height, width] input but receives [4]" },
        { "DSL0009", Model("[Conv2d(8, 5), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);", "[Model(Input = new[] { 1, 3, 3 }, Outputs = 2)]"), "Conv2d(8, 5)", "kernel 5 does not fit its [1, 3, 3] input" },
        { "DSL0010", Model("[Linear(2)] public partial Tensor Run(Tensor x);"), "M", "needs a partial method 'Tensor Forward(Tensor input)'" },
        { "DSL0011", Model("[Linear(3)] public partial Tensor Forward(Tensor x);"), "Linear(3)", "declares Outputs = 2, but its last layer produces [3]" },
        { "DSL0012", Model("[Linear(-1), Linear(2)] public partial Tensor Forward(Tensor x);"), "Linear(-1)", "out_features must be positive, but is -1" },
        { "DSL0012", Model("[Dropout(1.5), Linear(2)] public partial Tensor Forward(Tensor x);"), "Dropout(1.5)", "probability must be in [0, 1)" },
        { "DSL0013", Model("[Linear(3, Name = \"fc\"), Linear(2, Name = \"fc\")] public partial Tensor Forward(Tensor x);"), "Linear(2, Name = \"fc\")", "'fc' is used by more than one" },
        { "DSL0014", Model("[Hyperparameter(0.1, 0.9), When(\"Nope\", Mode.A)] public partial double H { get; }\n" + Forward), "H", "'Nope', which is not a hyperparameter" },
        { "DSL0014", Model("[Hyperparameter(Default = Mode.A)] public partial Mode K { get; }\n[Hyperparameter(0.1, 0.9), When(nameof(K), \"x\")] public partial double H { get; }\n" + Forward), "H", "not choices of 'K'" },
        { "DSL0016", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), \"Nope\"), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(A), \"Nope\")", "'Nope' is not a block of 'M'" },
        { "DSL0017", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Linear(2)] private partial Tensor Unused(Tensor x);\n[Residual(nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Unused", "is never used" },
        { "DSL0017", Model("[Fuse(FusionKind.Sum, nameof(B), nameof(C))] private partial Tensor A(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(D))] private partial Tensor B(Tensor x);\n[Linear(3)] private partial Tensor C(Tensor x);\n[Linear(3)] private partial Tensor D(Tensor x);\n[Linear(3)] private partial Tensor E(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(E)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(A), nameof(D))", "is part of a cycle: A -> B -> A" },
        { "DSL0017", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Linear(3)] private partial Tensor B(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B)), Residual(nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Residual(nameof(A))", "is used more than once" },
        { "DSL0009", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Linear(5)] private partial Tensor B(Tensor x);\n[Repeat(nameof(A), 2), Linear(2)] public partial Tensor Forward(Tensor x);\n[Linear(4)] private partial Tensor Unused(Tensor x);"), "Repeat(nameof(A), 2)", "must keep its shape, but it turns [4] into [3]" },
        { "DSL0009", Model("[Conv2d(4, 3), Linear(1)] private partial Tensor A(Tensor x);\n[Flatten, Linear(4)] private partial Tensor B(Tensor x);\n[Fuse(FusionKind.Concat, nameof(A), nameof(B)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);", "[Model(Input = new[] { 1, 8, 8 }, Outputs = 2)]"), "Fuse(FusionKind.Concat, nameof(A), nameof(B))", "needs vector branches, but 'A' produces [4, 6, 1]" },
        { "DSL0002", Model("[Linear(2)] private partial Tensor A(Tensor a);\n[Linear(2)] private partial Tensor B(Tensor b);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B))] public partial Tensor Forward([Shape(3)] Tensor a, Tensor b);", "[Model(Outputs = 2)]"), "Forward", "needs a positive [Shape(...)] on Forward's input 'b'" },
        { "DSL0002", Model(string.Concat(Enumerable.Range(0, 7).Select(i => "[Linear(2)] private partial Tensor B" + i + "(Tensor x" + i + ");\n")) + "[Fuse(FusionKind.Sum, nameof(B0), nameof(B1), nameof(B2), nameof(B3), nameof(B4), nameof(B5), nameof(B6))] public partial Tensor Forward(" + string.Join(", ", Enumerable.Range(0, 7).Select(i => "[Shape(3)] Tensor x" + i)) + ");", "[Model(Outputs = 2)]"), "Forward", "has a Forward of 7 inputs, but a TorchSharp module takes at most 6" },
        { "DSL0018", Sources.Usings + "namespace T; public class NotAModel { }\n[Sweep(typeof(NotAModel))] public partial class S { }", "Sweep(typeof(NotAModel))", "must name a [Model] class, but names 'T.NotAModel'" },
        { "DSL0018", Model(Forward) + "[Sweep(typeof(M))] public partial class S { [Hyperparameter(1, 9, Default = 2)] public partial int Warmup { get; } }", "Warmup", "declares 'Warmup' (int), which is not a training option" },
        { "DSL0018", Model(Forward) + "public enum Plan { Flat, Cosine }\n[Sweep(typeof(M))] public partial class S { [Hyperparameter(Default = Plan.Flat)] public partial Plan Schedule { get; } }", "Schedule", "declares 'Schedule' (T.Plan), but the training option Schedule is of type ScheduleKind" },
        { "DSL0013", Model("[Hyperparameter(1, 9, Default = 2)] public partial int BatchSize { get; }\n" + Forward) + "[Sweep(typeof(M))] public partial class S { [Hyperparameter(8, 64, Default = 16)] public partial int BatchSize { get; } }", "BatchSize", "hyperparameter of the sweep and of its model M" },
        { "DSL0015", Sources.Usings + "namespace T; public partial class Outer { [Model(Input = new[] { 4 })] public partial class M { " + Forward + " } }", "M", "is nested in another type" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsDescriptorAtOffendingSource(string id, string source, string locatedText, string messageFragment)
    {
        var output = GeneratorHarness.Run(source);
        var diagnostic = Assert.Single(output.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(locatedText, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains(messageFragment, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void EveryDescriptorIsCoveredByACase()
    {
        var covered = Cases.Select(c => (string)c[0]).ToHashSet();
        Assert.All(DiagnosticDescriptors.All, d => Assert.Contains(d.Id, covered));
    }

    [Fact]
    public void CatalogIdsAreUniqueAndListedInAnalyzerReleases()
    {
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var releases = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Dsl.Generator", "AnalyzerReleases.Unshipped.md"));
        Assert.All(ids, id => Assert.Contains(id + " |", releases));
        Assert.All(DiagnosticDescriptors.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Description.ToString())));
    }

    [Fact]
    public void ModelWithErrorsProducesOnlyDslDiagnostics()
    {
        // Members are still generated, so a DSL mistake does not bury the user in CS errors.
        var output = GeneratorHarness.Run(Model("[Linear(\"Missing\"), Linear(2)] public partial Tensor Forward(Tensor x);"));
        Assert.True(!output.Errors.Any(), string.Join("\n", output.Errors));
        Assert.Single(output.GeneratorDiagnostics);
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
