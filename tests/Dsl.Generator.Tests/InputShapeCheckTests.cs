using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>
/// Forward starts by checking each input against its declared shape; a dimension no layer's construction reads (a
/// sequence length, the height and width before an adaptive pool) is left free, every other one must match.
/// </summary>
public class InputShapeCheckTests
{
    private const string Any = "global::Dsl.Layers.InputShapes.Any";

    private static string Model(string input, string forward, string members = "") =>
        Sources.Usings + "namespace T;\n[Model(Input = new[] { " + input + " })]\npublic partial class M\n{\n" + members +
        "    [" + forward + "] public partial Tensor Forward(Tensor x);\n}\n";

    public static TheoryData<string, string> Cases => new()
    {
        // source, the check Forward must start with
        { Sources.FashionCnn, "global::Dsl.Layers.InputShapes.Require(image, \"FashionCnn.Forward\", \"image\", 1L, 28L, 28L);" },
        // Token ids: the embedding and the LSTM's last state never read the length.
        { Model("20", "Embedding(100, 8), LSTM(16), Linear(2)"), "Require(x, \"M.Forward\", \"x\", " + Any + ");" },
        { Model("20", "Embedding(100, 8), GRU(16, Return = Sequence.All), PoolSequence(SequencePooling.Mean), Linear(2)"), "Require(x, \"M.Forward\", \"x\", " + Any + ");" },
        // Every step flattened into a Linear: the length sizes its weights.
        { Model("20", "Embedding(100, 8), LSTM(16, Return = Sequence.All), Flatten, Linear(2)"), "Require(x, \"M.Forward\", \"x\", 20L);" },
        // Features size the first layer; the steps of attention do not.
        { Model("5, 8", "MultiheadAttention(2), PoolSequence(SequencePooling.Max), Linear(2)"), "Require(x, \"M.Forward\", \"x\", " + Any + ", 8L);" },
        { Model("3, 40", "Conv1d(8, 3), MaxPool1d(2), AdaptiveAvgPool1d(1), Flatten, Linear(2)"), "Require(x, \"M.Forward\", \"x\", 3L, " + Any + ");" },
        { Model("3, 40", "Conv1d(8, 3), MaxPool1d(2), Flatten, Linear(2)"), "Require(x, \"M.Forward\", \"x\", 3L, 40L);" },
        // A padded residual keeps any height and width, so an adaptive pool after it leaves both free.
        { Model("3, 16, 16", "Conv2d(8, 3, Padding = 1), Residual(nameof(Body)), AdaptiveAvgPool2d(1), Flatten, Linear(2)",
              "    [Conv2d(8, 3, Padding = 1), Activate(Activation.ReLU)] private partial Tensor Body(Tensor x);\n"),
          "Require(x, \"M.Forward\", \"x\", 3L, " + Any + ", " + Any + ");" },
        // A strided residual needs a shortcut stride that only known sizes give.
        { Model("3, 16, 16", "Residual(nameof(Body)), AdaptiveAvgPool2d(1), Flatten, Linear(2)",
              "    [Conv2d(8, 3, Stride = 2, Padding = 1)] private partial Tensor Body(Tensor x);\n"),
          "Require(x, \"M.Forward\", \"x\", 3L, 16L, 16L);" },
        // A Forward without layers still checks.
        { Sources.Usings + "namespace T;\n[Model(Input = new[] { 4 })]\npublic partial class M\n{\n    public partial Tensor Forward(Tensor x);\n}\n",
          "Require(x, \"M.Forward\", \"x\", " + Any + ");" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardStartsWithTheCheck(string source, string expected)
    {
        var output = GeneratorHarness.Run(source);

        Assert.Empty(output.GeneratorDiagnostics);
        Assert.Empty(output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var code = output.Source(".Model.g.cs");
        var body = code.Substring(code.IndexOf("partial global::TorchSharp.torch.Tensor Forward(", StringComparison.Ordinal));
        var firstStatement = body.Split('\n')[2].Trim();
        Assert.EndsWith(expected, firstStatement);
    }

    [Fact]
    public void EachInputOfATwoInputModelIsCheckedByName()
    {
        var code = GeneratorHarness.Run(Sources.TwoInputFusion).Source("ImageAndTable.Model.g.cs");

        Assert.Contains("global::Dsl.Layers.InputShapes.Require(image, \"ImageAndTable.Forward\", \"image\", 1L, 28L, 28L);\n" +
                        "        global::Dsl.Layers.InputShapes.Require(table, \"ImageAndTable.Forward\", \"table\", 12L);", code);
    }

    [Fact]
    public void BlocksOtherThanForwardDoNotCheck()
    {
        var code = GeneratorHarness.Run(Sources.TwoInputFusion).Source("ImageAndTable.Model.g.cs");

        Assert.Equal(2, code.Split("InputShapes.Require(").Length - 1);
    }
}
