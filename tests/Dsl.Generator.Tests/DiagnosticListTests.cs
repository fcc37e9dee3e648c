using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>
/// After a Dsl diagnostic the user sees that diagnostic alone: each case pins the generator's full diagnostic list (id,
/// severity and the source text it points at), and the compilation that includes the generated code has no C# error,
/// nor any C# warning inside generated files.
/// </summary>
public class DiagnosticListTests
{
    private const string Forward = "[Linear(2)] public partial Tensor Forward(Tensor x);";

    private static string Model(string members, string attribute = "[Model(Input = new[] { 4 }, Outputs = 2)]", string declaration = "partial class") =>
        Sources.Usings + "namespace T;\npublic enum Mode { A, B }\n" + attribute + "\npublic " + declaration + " M\n{\n" + members + "\n}\n";

    private const string Sweep = "\n[Sweep(typeof(M))]\npublic partial class S\n{\n";

    public static TheoryData<string, string, string[]> Cases => new()
    {
        // Errors whose generated code used to add CS0115/CS0759/CS0534/CS8795/CS9248.
        { "missing input", Model(Forward, attribute: "[Model(Outputs = 2)]"), ["DSL0002 Error Model(Outputs = 2)"] },
        { "invalid input", Model(Forward, attribute: "[Model(Input = new[] { 0, 4 })]"), ["DSL0019 Error Model(Input = new[] { 0, 4 })"] },
        { "two inputs and Input", Model("[Linear(2)] private partial Tensor A(Tensor a);\n[Linear(2)] private partial Tensor B(Tensor b);\n[Fuse(FusionKind.Sum, nameof(A), nameof(B))] public partial Tensor Forward([Shape(3)] Tensor a, [Shape(3)] Tensor b);"),
            ["DSL0021 Error Model(Input = new[] { 4 }, Outputs = 2)"] },
        { "rejected hyperparameter", Model("[Hyperparameter(8, 4)] public partial int H { get; }\n" + Forward), ["DSL0005 Error Hyperparameter(8, 4)"] },
        { "rejected block", Model("[Linear(2)] private partial Tensor B(Tensor x, int y);\n" + Forward), ["DSL0060 Error B"] },
        { "static Forward", Model("[Linear(2)] public static partial Tensor Forward(Tensor x);"), ["DSL0010 Error Forward"] },
        { "generic Forward", Model("[Linear(2)] public partial Tensor Forward<TX>(Tensor x) where TX : class, new();"), ["DSL0010 Error Forward"] },
        { "no Forward", Model("[Linear(2)] public partial Tensor Run(Tensor x);"), ["DSL0010 Error M"] },
        { "frozen Forward", Model("[Frozen] " + Forward), ["DSL0092 Error Frozen"] },
        { "shape error", Model("[Conv2d(8, 3), Linear(2)] public partial Tensor Forward(Tensor x);"), ["DSL0009 Error Conv2d(8, 3)"] },

        // Declarations the generator cannot expand.
        { "too many inputs", Model(string.Concat(Enumerable.Range(0, 7).Select(i => "[Linear(2)] private partial Tensor B" + i + "(Tensor x" + i + ");\n")) +
            "[Fuse(FusionKind.Sum, nameof(B0), nameof(B1), nameof(B2), nameof(B3), nameof(B4), nameof(B5), nameof(B6))] public partial Tensor Forward(" +
            string.Join(", ", Enumerable.Range(0, 7).Select(i => "[Shape(3)] Tensor x" + i)) + ");", attribute: "[Model(Outputs = 2)]"), ["DSL0064 Error Forward"] },
        { "record", Model(Forward, declaration: "partial record"), ["DSL0075 Error M"] },
        { "abstract class", Model(Forward, declaration: "abstract partial class"), ["DSL0076 Error M"] },
        { "constructor clash", Model("public M() { }\n" + Forward), ["DSL0077 Error M"] },
        { "constructor clash with the record", Model("public M(Hyperparameters h) { }\n" + Forward), ["DSL0077 Error M"] },
        { "model and sweep", Model("[Hyperparameter(1e-4, 1e-2, Log = true, Default = 1e-3)] public partial double LearningRate { get; }\n" + Forward,
            attribute: "[Model(Input = new[] { 4 }, Outputs = 2), Sweep(typeof(M))]"), ["DSL0078 Error Sweep(typeof(M))"] },
        { "generic model", Model(Forward, declaration: "partial class").Replace("class M\n", "class M<TValue>\n"), ["DSL0054 Error M"] },
        { "nested model", Sources.Usings + "namespace T;\npublic partial class Outer\n{\n[Model(Input = new[] { 4 }, Outputs = 2)]\npublic partial class M\n{\n" + Forward + "\n}\n}\n", ["DSL0015 Error M"] },
        { "static model", Model("[Hyperparameter(1, 4, Default = 2)] public static partial int H { get; }", declaration: "static partial class"),
            ["DSL0084 Error M", "DSL0008 Error H"] },
        { "model with a base class", Model(Forward, declaration: "partial class").Replace("class M\n", "class M : System.Collections.Generic.List<int>\n"), ["DSL0085 Error M"] },
        { "model that names its own module base", Model(Forward, declaration: "partial class").Replace("class M\n", "class M : TorchSharp.torch.nn.Module<Tensor, Tensor>\n"), [] },
        { "member named like a generated one", Model("public int SearchSpace => 1;\n" + Forward), ["DSL0083 Error SearchSpace"] },
        { "sweep of a record model", Model(Forward, declaration: "partial record") + Sweep + "[Hyperparameter(1e-4, 1e-2, Log = true, Default = 1e-3)] public partial double LearningRate { get; }\n}\n",
            ["DSL0075 Error M"] },
        { "sweep with a rejected hyperparameter", Model(Forward) + Sweep + "[Hyperparameter(1e-2, 1e-4)] public partial double LearningRate { get; }\n}\n",
            ["DSL0005 Error Hyperparameter(1e-2, 1e-4)"] },

        // Item 3: Input and [Shape] together.
        { "Input and Shape", Model("[Linear(2)] public partial Tensor Forward([Shape(4)] Tensor x);"), ["DSL0073 Error Model(Input = new[] { 4 }, Outputs = 2)"] },

        // Item 9: a user member takes a generated layer's name.
        { "field named like a layer", Model("private int fc1;\n[Linear(3), Linear(2)] public partial Tensor Forward(Tensor x);"), ["DSL0083 Error fc1"] },
        { "method named like a branch layer", Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Linear(3)] private partial Tensor B(Tensor x);\npublic void a_fc1() { }\n[Fuse(FusionKind.Sum, nameof(A), nameof(B)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0083 Error a_fc1"] },

        // Item 7: a cycle of conditions.
        { "condition cycle", Model("[Hyperparameter, When(nameof(Y), true)] public partial bool X { get; }\n[Hyperparameter, When(nameof(X), false)] public partial bool Y { get; }\n[Hyperparameter(1, 4, Default = 2), When(nameof(X), true)] public partial int Z { get; }\n[Linear(nameof(Z)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0074 Error X"] },
        { "condition on itself", Model("[Hyperparameter, When(nameof(X), true)] public partial bool X { get; }\n" + Forward), ["DSL0074 Error X"] },

        // Item 2: every value a sampler can produce is checked, not only the default.
        { "no head count fits", Model("[Hyperparameter(7, 8, Default = 7)] public partial int Heads { get; }\n[MultiheadAttention(nameof(Heads)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);",
            attribute: "[Model(Input = new[] { 5, 30 }, Outputs = 2)]"), ["DSL0070 Error MultiheadAttention(nameof(Heads))"] },
        { "some head counts do not fit", Model("[Hyperparameter(1, 4, Default = 2)] public partial int Heads { get; }\n[MultiheadAttention(nameof(Heads)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);",
            attribute: "[Model(Input = new[] { 5, 30 }, Outputs = 2)]"), ["DSL0071 Warning MultiheadAttention(nameof(Heads))"] },
        { "default head count does not fit", Model("[Hyperparameter(1, 4, Default = 4)] public partial int Heads { get; }\n[MultiheadAttention(nameof(Heads)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);",
            attribute: "[Model(Input = new[] { 5, 30 }, Outputs = 2)]"), ["DSL0072 Error MultiheadAttention(nameof(Heads))"] },
        { "default off its step grid", Model("[Hyperparameter(16, 64, Step = 16, Default = 40)] public partial int Width { get; }\n[Linear(nameof(Width)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0007 Error Hyperparameter(16, 64, Step = 16, Default = 40)"] },
        { "real default off its step grid", Model("[Hyperparameter(0.0, 0.5, Step = 0.1, Default = 0.25)] public partial double Rate { get; }\n[Dropout(nameof(Rate)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0007 Error Hyperparameter(0.0, 0.5, Step = 0.1, Default = 0.25)"] },
        { "pooling padding above half of some windows", Model("[Hyperparameter(1, 4, Default = 2)] public partial int Window { get; }\n[MaxPool2d(nameof(Window), Padding = 1), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);",
            attribute: "[Model(Input = new[] { 1, 8, 8 }, Outputs = 2)]"), ["DSL0071 Warning MaxPool2d(nameof(Window), Padding = 1)"] },
        { "dropout range beyond 1", Model("[Hyperparameter(0.0, 1.5, Default = 0.2)] public partial double Rate { get; }\n[Dropout(nameof(Rate)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0071 Warning Dropout(nameof(Rate))"] },
        { "dropout default beyond 1", Model("[Hyperparameter(0.0, 1.5, Default = 1.2)] public partial double Rate { get; }\n[Dropout(nameof(Rate)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0072 Error Dropout(nameof(Rate))"] },
        { "zero-width layer", Model("[Hyperparameter(0, 8, Default = 4)] public partial int Width { get; }\n[Linear(nameof(Width)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0071 Warning Linear(nameof(Width))"] },
        { "repeat count that can be zero", Model("[Hyperparameter(0, 3, Default = 1)] public partial int Depth { get; }\n[Linear(4)] private partial Tensor Body(Tensor x);\n[Repeat(nameof(Body), nameof(Depth)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0071 Warning Repeat(nameof(Body), nameof(Depth))"] },
        { "last layer width against Outputs", Model("[Hyperparameter(1, 3, Default = 2)] public partial int Width { get; }\n[Linear(nameof(Width))] public partial Tensor Forward(Tensor x);"),
            ["DSL0071 Warning Linear(nameof(Width))"] },

        // Warnings: the model is generated as usual.
        { "unused hyperparameter", Model("[Hyperparameter(1, 4, Default = 2)] public partial int Unused { get; }\n" + Forward), ["DSL0079 Warning Unused"] },
        { "step that does not divide the range", Model("[Hyperparameter(10, 100, Step = 40, Default = 50)] public partial int Width { get; }\n[Linear(nameof(Width)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0080 Warning Hyperparameter(10, 100, Step = 40, Default = 50)"] },
        { "condition that never holds", Model("[Hyperparameter(Choices = new object[] { Mode.A }, Default = Mode.A)] public partial Mode K { get; }\n[Hyperparameter(1, 4, Default = 2), When(nameof(K), Mode.B)] public partial int H { get; }\n[Linear(nameof(H)), Linear(2)] public partial Tensor Forward(Tensor x);"),
            ["DSL0081 Warning H"] },
        { "sweep option no searched optimizer uses", Model(Forward) + Sweep +
            "[Hyperparameter(Choices = new object[] { Dsl.Training.OptimizerKind.Adam }, Default = Dsl.Training.OptimizerKind.Adam)] public partial Dsl.Training.OptimizerKind Optimizer { get; }\n" +
            "[Hyperparameter(0.5, 0.99, Default = 0.9)] public partial double Momentum { get; }\n}\n", ["DSL0081 Warning Momentum"] },
        { "sweep option whose condition never holds", Model(Forward) + Sweep +
            "[Hyperparameter(Choices = new object[] { Dsl.Training.OptimizerKind.Adam }, Default = Dsl.Training.OptimizerKind.Adam)] public partial Dsl.Training.OptimizerKind Optimizer { get; }\n" +
            "[Hyperparameter(0.5, 0.99, Default = 0.9), When(nameof(Optimizer), Dsl.Training.OptimizerKind.Sgd)] public partial double Momentum { get; }\n}\n", ["DSL0081 Warning Momentum"] },
        { "embedding of floats", Model("[Linear(8), Embedding(10, 4), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);"), ["DSL0082 Warning Embedding(10, 4)"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsOnlyTheDslDiagnostics(string name, string source, string[] expected)
    {
        var output = GeneratorHarness.Run(source);
        Assert.True(expected.SequenceEqual(Describe(output, source)), name + ": " + string.Join(" | ", Describe(output, source)));
        Assert.True(!output.Errors.Any(), name + ":\n" + string.Join("\n", output.Errors));
        var inGenerated = output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs") == true);
        Assert.True(!inGenerated.Any(), name + ":\n" + string.Join("\n", inGenerated));
    }

    [Fact]
    public void LayerNamesNeverMoveToDodgeAUserMember()
    {
        // Issue 9, item 9: a user field fc1 used to shift the layers to fc2 and fc3, and with them the state_dict keys.
        const string layers = "[Linear(3), Linear(2)] public partial Tensor Forward(Tensor x);";
        var clash = GeneratorHarness.Run(Model("private int fc1;\n" + layers));
        Assert.Equal("'fc1' is also the name of the field of Linear in Forward that the generator writes in 'M'",
            Assert.Single(clash.GeneratorDiagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));

        var unrelated = GeneratorHarness.Run(Model("private int fc3;\n" + layers)).Source("M.Model.g.cs");
        var alone = GeneratorHarness.Run(Model(layers)).Source("M.Model.g.cs");
        Assert.Contains("private readonly global::TorchSharp.Modules.Linear fc1;", alone);
        Assert.Contains("private readonly global::TorchSharp.Modules.Linear fc2;", alone);
        Assert.Equal(alone, unrelated);
    }

    /// <summary>Each diagnostic as "ID Severity located-text", in source order.</summary>
    internal static IEnumerable<string> Describe(GeneratorOutput output, string source) =>
        output.GeneratorDiagnostics
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id)
            .Select(d => d.Id + " " + d.Severity + " " + source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length))
            .ToList();
}
