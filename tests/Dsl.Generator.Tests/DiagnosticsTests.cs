using Dsl.Generator.Diagnostics;
using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>Every descriptor in the catalog fires on its misuse, at the source text that causes it.</summary>
public class DiagnosticsTests
{
    private const string Forward = "[Linear(2)] public partial Tensor Forward(Tensor x);";

    private static string Model(string members, string attribute = "[Model(Input = new[] { 4 }, Outputs = 2)]", string partial = "partial ") =>
        Sources.Usings + "namespace T;\npublic enum Mode { A, B }\n" + attribute + "\npublic " + partial + "class M\n{\n" + members + "\n}\n";

    private const string TwoInputs = "public partial Tensor Forward([Shape(3)] Tensor a, [Shape(3)] Tensor b);";

    private static string Generic(string name, string attribute) =>
        Sources.Usings + "namespace T;\n" + attribute + "\npublic partial class " + name + "<TX>\n{\n" + Forward + "\n}\n";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // id, source, the text the diagnostic must point at, a fragment its message must contain

        // Declarations
        { "DSL0001", Model(Forward, partial: ""), "M", "'M' must be declared partial" },
        { "DSL0015", Sources.Usings + "namespace T; public partial class Outer { [Model(Input = new[] { 4 })] public partial class M { " + Forward + " } }", "M", "'M' is nested in another type" },
        { "DSL0054", Generic("G", "[Model(Input = new[] { 4 }, Outputs = 2)]"), "G", "'G' is generic" },
        { "DSL0054", Model(Forward) + "[Sweep(typeof(M))] public partial class S<TX> { }", "S", "'S' is generic" },

        // Input and output
        { "DSL0002", Model(Forward, attribute: "[Model(Outputs = 2)]"), "Model(Outputs = 2)", "declares no Input shape" },
        { "DSL0019", Model(Forward, attribute: "[Model(Input = new[] { 0, 4 })]"), "Model(Input = new[] { 0, 4 })", "has Input [0, 4]; every size must be positive" },
        { "DSL0020", Model(Forward, attribute: "[Model(Input = new[] { 4 }, Outputs = -1)]"), "Model(Input = new[] { 4 }, Outputs = -1)", "declares Outputs = -1; it must be positive" },
        { "DSL0021", Model("[Linear(2)] private partial Tensor A(Tensor a);\n[Linear(2)] private partial Tensor B(Tensor b);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B))] " + TwoInputs, "[Model(Input = new[] { 3 }, Outputs = 2)]"), "Model(Input = new[] { 3 }, Outputs = 2)", "declares Input, but Forward takes 2 inputs" },
        { "DSL0022", Model("[Linear(2)] private partial Tensor A(Tensor a);\n[Linear(2)] private partial Tensor B(Tensor b);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B))] public partial Tensor Forward([Shape(3)] Tensor a, Tensor b);", "[Model(Outputs = 2)]"), "Forward", "needs a positive [Shape(...)] on Forward's input 'b'" },
        { "DSL0010", Model("[Linear(2)] public partial Tensor Run(Tensor x);"), "M", "needs a partial method 'Tensor Forward(Tensor input)'" },
        { "DSL0011", Model("[Linear(3)] public partial Tensor Forward(Tensor x);"), "Linear(3)", "declares Outputs = 2, but its last layer produces [3]" },

        // Hyperparameters
        { "DSL0008", Model("[Hyperparameter(1, 4)] public int H { get; set; }\n" + Forward), "H", "only a 'get;' accessor" },
        { "DSL0024", Model("[Hyperparameter(1, 4)] public partial System.DateTime H { get; }\n" + Forward), "H", "has type 'System.DateTime'; supported types are" },
        { "DSL0025", Model("[Hyperparameter] public partial int H { get; }\n" + Forward), "Hyperparameter", "is numeric and needs a range" },
        { "DSL0026", Model("[Hyperparameter(1, 4, Choices = new object[] { 1, 2 })] public partial int H { get; }\n" + Forward), "Hyperparameter(1, 4, Choices = new object[] { 1, 2 })", "combines Choices with a range, Log or Step" },
        { "DSL0027", Model("[Hyperparameter(0.5, 4.0)] public partial int H { get; }\n" + Forward), "Hyperparameter(0.5, 4.0)", "is an integer, but its range [0.5, 4] is not a whole number" },
        { "DSL0027", Model("[Hyperparameter(0, 10, Step = 2.5)] public partial int H { get; }\n" + Forward), "Hyperparameter(0, 10, Step = 2.5)", "is an integer, but its Step 2.5 is not a whole number" },
        { "DSL0005", Model("[Hyperparameter(8, 4)] public partial int H { get; }\n" + Forward), "Hyperparameter(8, 4)", "min 8 >= max 4" },
        { "DSL0006", Model("[Hyperparameter(0.0, 1.0, Log = true)] public partial double H { get; }\n" + Forward), "Hyperparameter(0.0, 1.0, Log = true)", "min is 0" },
        { "DSL0028", Model("[Hyperparameter(0.0, 1.0, Step = -0.1)] public partial double H { get; }\n" + Forward), "Hyperparameter(0.0, 1.0, Step = -0.1)", "has a negative Step -0.1" },
        { "DSL0029", Model("[Hyperparameter(0.001, 1.0, Log = true, Step = 0.1)] public partial double H { get; }\n" + Forward), "Hyperparameter(0.001, 1.0, Log = true, Step = 0.1)", "combines Log = true with a Step" },
        { "DSL0007", Model("[Hyperparameter(1, 4, Default = 9)] public partial int H { get; }\n" + Forward), "Hyperparameter(1, 4, Default = 9)", "default 9, outside its range [1, 4]" },
        { "DSL0007", Model("[Hyperparameter(1, 4, Default = 2.5)] public partial int H { get; }\n" + Forward), "Hyperparameter(1, 4, Default = 2.5)", "default 2.5, outside its range of integers [1, 4]" },
        { "DSL0030", Model("[Hyperparameter(0, 1)] public partial bool H { get; }\n" + Forward), "Hyperparameter(0, 1)", "is a bool and takes no numeric range" },
        { "DSL0031", Model("[Hyperparameter(Choices = new object[] { \"A\" })] public partial Mode H { get; }\n" + Forward), "Hyperparameter(Choices = new object[] { \"A\" })", "lists a choice that is not of type Mode" },
        { "DSL0031", Model("[Hyperparameter(Choices = new object[] { \"a\", 1 })] public partial string H { get; }\n" + Forward), "Hyperparameter(Choices = new object[] { \"a\", 1 })", "lists a choice that is not of type string" },
        { "DSL0032", Model("[Hyperparameter] public partial string H { get; }\n" + Forward), "Hyperparameter", "has no choices to search" },
        { "DSL0049", Model("[Hyperparameter(Choices = new[] { \"a\", \"b\", \"a\" })] public partial string H { get; }\n" + Forward), "Hyperparameter(Choices = new[] { \"a\", \"b\", \"a\" })", "lists the choice \"a\" more than once" },
        { "DSL0023", Model("[Hyperparameter(Choices = new[] { \"a\" }, Default = \"b\")] public partial string H { get; }\n" + Forward), "Hyperparameter(Choices = new[] { \"a\" }, Default = \"b\")", "has default \"b\", which is not among its choices [\"a\"]" },

        // [When]
        { "DSL0014", Model("[Hyperparameter(0.1, 0.9), When(\"Nope\", Mode.A)] public partial double H { get; }\n" + Forward), "H", "depends on 'Nope', which is not a hyperparameter of 'M'" },
        { "DSL0052", Model("[Hyperparameter(1, 4)] public partial int K { get; }\n[Hyperparameter(0.1, 0.9), When(nameof(K), 1)] public partial double H { get; }\n" + Forward), "H", "depends on numeric 'K'" },
        { "DSL0053", Model("[Hyperparameter(Default = Mode.A)] public partial Mode K { get; }\n[Hyperparameter(0.1, 0.9), When(nameof(K), \"x\")] public partial double H { get; }\n" + Forward), "H", "not choices of 'K' [Mode.A, Mode.B]" },

        // Layers and their arguments
        { "DSL0041", Model("public sealed class WeirdAttribute : LayerAttribute { }\n[Weird, Linear(2)] public partial Tensor Forward(Tensor x);"), "Weird", "[Weird] is not a layer this generator version understands" },
        { "DSL0012", Model("[Linear(-1), Linear(2)] public partial Tensor Forward(Tensor x);"), "Linear(-1)", "Linear: out_features must be positive, but is -1" },
        { "DSL0012", Model("[Dropout(1.5), Linear(2)] public partial Tensor Forward(Tensor x);"), "Dropout(1.5)", "probability must be in [0, 1)" },
        { "DSL0040", Model("[Activate(3), Linear(2)] public partial Tensor Forward(Tensor x);"), "Activate(3)", "Activate: activation must be a value of Activation or nameof(a member of that type), but is 3" },
        { "DSL0040", Model("[Linear(2.5), Linear(2)] public partial Tensor Forward(Tensor x);"), "Linear(2.5)", "Linear: out_features must be an int constant or nameof(an int member), but is 2.5" },
        { "DSL0003", Model("[Linear(\"Missing\"), Linear(2)] public partial Tensor Forward(Tensor x);"), "Linear(\"Missing\")", "'Missing' does not name a property or field of 'M'" },
        { "DSL0003", Model("[MultiheadAttention(1, Dropout = \"Missing\"), Flatten, Linear(2)] public partial Tensor Forward([Shape(3, 4)] Tensor x);"), "MultiheadAttention(1, Dropout = \"Missing\")", "'Missing' does not name a property or field of 'M'" },
        { "DSL0004", Model("double Ratio => 0.5;\n[Linear(nameof(Ratio)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Linear(nameof(Ratio))", "needs an int size, but 'Ratio' is of type 'double'" },
        { "DSL0004", Model("int Count => 2;\n[LayerNorm(Eps = nameof(Count)), Linear(2)] public partial Tensor Forward(Tensor x);"), "LayerNorm(Eps = nameof(Count))", "needs a double Eps, but 'Count' is of type 'int'" },
        { "DSL0042", Model("[Linear(2, Name = \"class\")] public partial Tensor Forward(Tensor x);"), "Linear(2, Name = \"class\")", "Linear: Name 'class' is not a valid C# identifier" },
        { "DSL0013", Model("[Linear(3, Name = \"fc\"), Linear(2, Name = \"fc\")] public partial Tensor Forward(Tensor x);"), "Linear(2, Name = \"fc\")", "The name 'fc' is used by more than one layer or member of 'M'" },
        { "DSL0044", Model("[Activate((Activation)99), Linear(2)] public partial Tensor Forward(Tensor x);"), "Activate((Activation)99)", "Activate: activation must be a named member of Activation" },

        // Shapes
        { "DSL0009", Model("[Conv2d(8, 3), Linear(2)] public partial Tensor Forward(Tensor x);"), "Conv2d(8, 3)", "Conv2d expects a [channels, height, width] input but receives [4]" },
        { "DSL0033", Model("[Conv2d(8, 5), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);", "[Model(Input = new[] { 1, 3, 3 }, Outputs = 2)]"), "Conv2d(8, 5)", "Conv2d with kernel 5 does not fit its [1, 3, 3] input: the output would be -1x-1" },
        { "DSL0035", Model("[Linear(2)] " + TwoInputs, "[Model(Outputs = 2)]"), "Linear(2)", "Block 'Forward' takes 2 inputs but does not start with [Fuse(...)]" },
        { "DSL0035", Model(TwoInputs, "[Model(Outputs = 2)]"), "Forward", "Block 'Forward' takes 2 inputs but does not start with [Fuse(...)]" },
        { "DSL0036", Model("[Conv2d(4, 3), Linear(1)] private partial Tensor A(Tensor x);\n[Flatten, Linear(4)] private partial Tensor B(Tensor x);\n[Fuse(FusionKind.Concat, nameof(A), nameof(B)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);", "[Model(Input = new[] { 1, 8, 8 }, Outputs = 2)]"), "Fuse(FusionKind.Concat, nameof(A), nameof(B))", "Fuse needs vector branches, but 'A' produces [4, 6, 1]" },
        { "DSL0037", Model("[Hyperparameter(2, 8, Default = 4)] public partial int W { get; }\n[Linear(nameof(W))] private partial Tensor A(Tensor x);\n[Linear(3)] private partial Tensor B(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(A), nameof(B))", "that may differ; set Width = ..." },
        { "DSL0038", Model("[Flatten, Linear(3)] private partial Tensor A(Tensor x);\n[Residual(nameof(A)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);", "[Model(Input = new[] { 1, 8, 8 }, Outputs = 2)]"), "Residual(nameof(A))", "Residual cannot add its input [1, 8, 8] to the output [3] of 'A'" },
        { "DSL0039", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Linear(5)] private partial Tensor B(Tensor x);\n[Repeat(nameof(A), 2), Linear(2)] public partial Tensor Forward(Tensor x);\n[Linear(4)] private partial Tensor Unused(Tensor x);"), "Repeat(nameof(A), 2)", "Repeat repeats 'A', which must keep its shape, but it turns [4] into [3]" },

        // Blocks
        { "DSL0060", Model("[Linear(3)] private Tensor A(Tensor x) => x;\n" + Forward), "A", "Block 'A' carries layers but is not an instance 'partial Tensor A(Tensor ...)'" },
        { "DSL0016", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), \"Nope\"), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(A), \"Nope\")", "'Nope' is not a block of 'M'" },
        { "DSL0047", Model("[Residual(\"\"), Linear(2)] public partial Tensor Forward(Tensor x);"), "Residual(\"\")", "Residual: block must name a block method with nameof(...)" },
        { "DSL0048", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(A))", "Fuse needs at least two branches" },
        { "DSL0017", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Linear(3)] private partial Tensor B(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B)), Residual(nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Residual(nameof(A))", "Block 'A' is used more than once" },
        { "DSL0017", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(A), nameof(A))", "Block 'A' is used more than once" },
        { "DSL0055", Model("[Fuse(FusionKind.Sum, nameof(B), nameof(C))] private partial Tensor A(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(D))] private partial Tensor B(Tensor x);\n[Linear(3)] private partial Tensor C(Tensor x);\n[Linear(3)] private partial Tensor D(Tensor x);\n[Linear(3)] private partial Tensor E(Tensor x);\n[Fuse(FusionKind.Sum, nameof(A), nameof(E)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(A), nameof(D))", "Block 'A' is part of a cycle: A -> B -> A" },
        { "DSL0056", Model("[Linear(4)] private partial Tensor B(Tensor x);\n[Linear(4)] private partial Tensor C(Tensor x);\n[Fuse(FusionKind.Sum, nameof(B), nameof(C))] private partial Tensor A(Tensor x);\n[Residual(nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Fuse(FusionKind.Sum, nameof(B), nameof(C))", "Block 'A' is used by Residual and may hold only layers, not Fuse" },
        { "DSL0057", Model("[Linear(2)] private partial Tensor A(Tensor a);\n[Linear(2)] private partial Tensor B(Tensor c);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B))] " + TwoInputs, "[Model(Outputs = 2)]"), "Fuse(FusionKind.Sum, nameof(A), nameof(B))", "Block 'B' takes an input named 'c', but the fusion can only pass inputs named 'a', 'b'" },
        { "DSL0058", Model("[Linear(4)] private partial Tensor A(Tensor x, Tensor y);\n[Residual(nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Residual(nameof(A))", "Block 'A' is used by Residual and must take exactly one input" },
        { "DSL0059", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Linear(2)] private partial Tensor Unused(Tensor x);\n[Residual(nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Unused", "Block 'Unused' is never used" },

        { "DSL0064", Model(string.Concat(Enumerable.Range(0, 7).Select(i => "[Linear(2)] private partial Tensor B" + i + "(Tensor x" + i + ");\n")) + "[Fuse(FusionKind.Sum, nameof(B0), nameof(B1), nameof(B2), nameof(B3), nameof(B4), nameof(B5), nameof(B6))] public partial Tensor Forward(" + string.Join(", ", Enumerable.Range(0, 7).Select(i => "[Shape(3)] Tensor x" + i)) + ");", "[Model(Outputs = 2)]"), "Forward", "has a Forward of 7 inputs, but a TorchSharp module takes at most 6" },

        // Frozen blocks
        { "DSL0092", Model("[Frozen, Linear(2)] public partial Tensor Forward(Tensor x);"), "Frozen", "[Frozen] on Forward would freeze all of 'M'; put it on the blocks that should not train" },
        { "DSL0093", Model("[Frozen(TrainBatchNorm = true)] private Tensor Scale(Tensor x) => x;\n" + Forward), "Frozen(TrainBatchNorm = true)", "[Frozen] on 'Scale' does nothing" },
        { "DSL0093", Model("[Frozen] private partial Tensor Plain(Tensor x);\nprivate partial Tensor Plain(Tensor x) => x;\n" + Forward), "Frozen", "[Frozen] on 'Plain' does nothing" },
        { "DSL0094", Model("[Flatten, Frozen] private partial Tensor A(Tensor x);\n[Linear(3)] private partial Tensor B(Tensor x);\n[Fuse(FusionKind.Concat, nameof(A), nameof(B)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Frozen", "Block 'A' is [Frozen] but holds no parameters or statistics" },
        // Nested: a frozen branch whose own fusion (concat) and branches hold no weights.
        { "DSL0094", Model("[Flatten] private partial Tensor A(Tensor x);\n[Dropout(0.1)] private partial Tensor B(Tensor x);\n[Frozen, Fuse(FusionKind.Concat, nameof(A), nameof(B))] private partial Tensor P(Tensor x);\n[Linear(3)] private partial Tensor C(Tensor x);\n[Fuse(FusionKind.Concat, nameof(P), nameof(C)), Linear(2)] public partial Tensor Forward(Tensor x);"), "Frozen", "Block 'P' is [Frozen]" },

        // Sweeps
        { "DSL0018", Sources.Usings + "namespace T; public class NotAModel { }\n[Sweep(typeof(NotAModel))] public partial class S { }", "Sweep(typeof(NotAModel))", "Sweep 'S' must name a [Model] class, but names 'T.NotAModel'" },
        { "DSL0061", Model(Forward) + "[Sweep(typeof(M), Epochs = 0)] public partial class S { }", "Sweep(typeof(M), Epochs = 0)", "Sweep 'S' declares Epochs = 0; a trial needs at least one epoch" },
        { "DSL0061", Sources.Usings + "namespace T; [Sweep(Steps = 0)] public partial class S { " + Objective + " }", "Sweep(Steps = 0)", "Sweep 'S' declares Steps = 0; a trial needs at least one step" },
        { "DSL0091", Sources.Usings + "namespace T; [Sweep] public partial class S { [Hyperparameter(-1.0, 1.0)] public partial double X { get; } }", "Sweep", "needs an instance method 'public Task<double> ObjectiveAsync(ObjectiveTrial trial, CancellationToken cancellationToken)'; it declares none" },
        { "DSL0091", Sources.Usings + "namespace T; [Sweep(Direction = Dsl.Search.Trials.StudyDirection.Maximize)] public partial class S { public static double ObjectiveAsync(Dsl.Sweeps.ObjectiveTrial trial) => 0; }", "ObjectiveAsync", "it declares 'public static double ObjectiveAsync(ObjectiveTrial trial)' instead" },
        { "DSL0050", Model("[Hyperparameter(1, 9, Default = 2)] public partial int BatchSize { get; }\n" + Forward) + "[Sweep(typeof(M))] public partial class S { [Hyperparameter(8, 64, Default = 16)] public partial int BatchSize { get; } }", "BatchSize", "Hyperparameter 'BatchSize' is declared by both the sweep and its model 'M'" },
        { "DSL0062", Model(Forward) + "[Sweep(typeof(M))] public partial class S { [Hyperparameter(1, 9, Default = 2)] public partial int Warmup { get; } }", "Warmup", "declares 'Warmup' (int), which is not a training option" },
        { "DSL0063", Model(Forward) + "public enum Plan { Flat, Cosine }\n[Sweep(typeof(M))] public partial class S { [Hyperparameter(Default = Plan.Flat)] public partial Plan Schedule { get; } }", "Schedule", "declares 'Schedule' (T.Plan), but the training option Schedule needs a hyperparameter of type ScheduleKind" },
    };

    private const string Objective =
        "public System.Threading.Tasks.Task<double> ObjectiveAsync(Dsl.Sweeps.ObjectiveTrial trial, System.Threading.CancellationToken cancellationToken) => System.Threading.Tasks.Task.FromResult(0.0);";

    [Fact]
    public void EpochsMeanNothingToAnObjectiveSweep()
    {
        var output = GeneratorHarness.Run(Sources.Usings + "namespace T; [Sweep(Epochs = 0)] public partial class S { [Hyperparameter(-1.0, 1.0)] public partial double X { get; } " + Objective + " }");

        Assert.Empty(output.GeneratorDiagnostics);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsDescriptorAtOffendingSource(string id, string source, string locatedText, string messageFragment)
    {
        var output = GeneratorHarness.Run(source);
        var diagnostic = Assert.Single(output.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticDescriptors.ById(id).DefaultSeverity, diagnostic.Severity);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(locatedText, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains(messageFragment, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void EveryDescriptorIsCoveredByACase()
    {
        // The diagnostics added with the value checks and the clean-error rules have their full lists pinned in DiagnosticListTests.
        var covered = Cases.Concat(LayerDiagnosticsTests.Cases).Select(c => (string)c[0])
            .Concat(DiagnosticListTests.Cases.SelectMany(c => (string[])c[2]).Select(d => d.Split(' ')[0]))
            .ToHashSet();
        Assert.All(DiagnosticDescriptors.All, d => Assert.Contains(d.Id, covered));
    }

    [Fact]
    public void CatalogIdsAreUniqueAndListedInAnalyzerReleases()
    {
        var ids = DiagnosticDescriptors.All.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var releases = string.Concat(new[] { "Shipped", "Unshipped" }.Select(part =>
            File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Dsl.Generator", "AnalyzerReleases." + part + ".md"))));
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
}
