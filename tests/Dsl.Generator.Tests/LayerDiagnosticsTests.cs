using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>Each layer family reports its shape mismatches and bad arguments at the attribute, with both shapes in the message.</summary>
public class LayerDiagnosticsTests
{
    private static string Model(string input, string layers, int outputs = 2) =>
        Sources.Usings + "namespace T;\n[Model(Input = new[] { " + input + " }, Outputs = " + outputs + ")]\npublic partial class M\n{\n" +
        // Declared only where a layer reads it, since an unused hyperparameter is a warning of its own.
        (layers.Contains("Rate") ? "    [Hyperparameter(0.0, 0.5, Default = 0.1)] public partial double Rate { get; }\n" : "") +
        "    [" + layers + "] public partial Tensor Forward(Tensor x);\n}\n";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // id, source, the text the diagnostic must point at, a fragment its message must contain
        { "DSL0009", Model("4", "Conv1d(8, 3), Flatten, Linear(2)"), "Conv1d(8, 3)", "Conv1d expects a [channels, length] input but receives [4]" },
        { "DSL0033", Model("2, 3", "Conv1d(4, 5), Flatten, Linear(2)"), "Conv1d(4, 5)", "with kernel 5 does not fit its [2, 3] input: the output would be -1" },
        { "DSL0009", Model("1, 4, 4", "BatchNorm1d, Flatten, Linear(2)"), "BatchNorm1d", "BatchNorm1d expects a [features] or [channels, length] input but receives [1, 4, 4]" },
        { "DSL0009", Model("4", "BatchNorm2d, Linear(2)"), "BatchNorm2d", "BatchNorm2d expects a [channels, height, width] input but receives [4]" },
        { "DSL0033", Model("1, 3, 3", "AvgPool2d(4), Flatten, Linear(2)"), "AvgPool2d(4)", "with window 4 does not fit its [1, 3, 3] input: the output would be 0x0" },
        { "DSL0009", Model("3, 8", "AdaptiveAvgPool2d(2), Flatten, Linear(2)"), "AdaptiveAvgPool2d(2)", "expects a [channels, height, width] input but receives [3, 8]" },
        { "DSL0009", Model("4", "LSTM(8), Linear(2)"), "LSTM(8)", "LSTM expects a [length, features] input but receives [4]" },
        { "DSL0009", Model("1, 6, 6", "GRU(8), Linear(2)"), "GRU(8)", "GRU expects a [length, features] input but receives [1, 6, 6]" },
        { "DSL0034", Model("5, 6", "MultiheadAttention(4), Flatten, Linear(2)"), "MultiheadAttention(4)", "splits its [5, 6] input into 4 heads, but embedding 6 is not divisible by 4" },
        { "DSL0009", Model("6", "MultiheadAttention(2), Linear(2)"), "MultiheadAttention(2)", "expects a [length, embedding] input but receives [6]" },
        { "DSL0034", Model("5", "Embedding(50, 10), TransformerEncoderLayer(3, 16), Flatten, Linear(2)"), "TransformerEncoderLayer(3, 16)", "splits its [5, 10] input into 3 heads, but d_model 10 is not divisible by 3" },
        { "DSL0009", Model("5", "Embedding(50, 10), Linear(3), Conv2d(4, 3), Flatten, Linear(2)"), "Conv2d(4, 3)", "expects a [channels, height, width] input but receives [5, 3]" },
        { "DSL0011", Model("5, 3", "LSTM(2, Return = Sequence.All)"), "LSTM(2, Return = Sequence.All)", "declares Outputs = 2, but its last layer produces [5, 2]" },
        { "DSL0045", Model("5, 3", "LSTM(8, Dropout = 0.5), Flatten, Linear(2)"), "LSTM(8, Dropout = 0.5)", "LSTM: Dropout applies between stacked layers, so it needs NumLayers above 1" },
        { "DSL0012", Model("5, 3", "GRU(8, NumLayers = 2, Dropout = 1.5), Flatten, Linear(2)"), "GRU(8, NumLayers = 2, Dropout = 1.5)", "GRU: Dropout must be in [0, 1), but is 1.5" },
        { "DSL0012", Model("5, 3", "GRU(8, NumLayers = 0), Flatten, Linear(2)"), "GRU(8, NumLayers = 0)", "num_layers must be positive, but is 0" },
        { "DSL0044", Model("5, 3", "LSTM(8, Return = (Sequence)7), Flatten, Linear(2)"), "LSTM(8, Return = (Sequence)7)", "Return must be Sequence.Last or Sequence.All" },
        { "DSL0003", Model("1, 4, 4", "AdaptiveAvgPool2d(\"Missing\"), Flatten, Linear(2)"), "AdaptiveAvgPool2d(\"Missing\")", "'Missing' does not name a property or field of 'M'" },
        { "DSL0012", Model("4", "BatchNorm1d(Eps = 0), Linear(2)"), "BatchNorm1d(Eps = 0)", "BatchNorm1d: Eps must be positive, but is 0" },
        { "DSL0012", Model("1, 4, 4", "BatchNorm2d(Momentum = 2), Flatten, Linear(2)"), "BatchNorm2d(Momentum = 2)", "Momentum must be in [0, 1], but is 2" },
        { "DSL0012", Model("4", "LayerNorm(Eps = -1e-5), Linear(2)"), "LayerNorm(Eps = -1e-5)", "LayerNorm: Eps must be positive, but is -1E-05" },
        { "DSL0043", Model("1, 4, 4", "AvgPool2d(2, Padding = 2), Flatten, Linear(2)"), "AvgPool2d(2, Padding = 2)", "AvgPool2d: padding 2 must be at most half the kernel size 2" },
        { "DSL0040", Model("4", "LayerNorm(Eps = true), Linear(2)"), "LayerNorm(Eps = true)", "Eps must be a number or nameof(a double member), but is True" },
        { "DSL0004", Model("1, 4, 4", "Conv2d(2, 3, Stride = nameof(Rate)), Flatten, Linear(2)"), "Conv2d(2, 3, Stride = nameof(Rate))", "needs an int Stride, but 'Rate' is of type 'double'" },
        { "DSL0012", Model("1, 4, 4", "MaxPool2d(2, Stride = 0), Flatten, Linear(2)"), "MaxPool2d(2, Stride = 0)", "stride must be at least 1, but is 0" },
        { "DSL0003", Model("1, 4, 4", "MaxPool2d(\"Window\"), Flatten, Linear(2)"), "MaxPool2d(\"Window\")", "'Window' does not name a property or field of 'M'" },
        { "DSL0012", Model("1, 4, 4", "AdaptiveAvgPool2d(2, 0), Flatten, Linear(2)"), "AdaptiveAvgPool2d(2, 0)", "width must be positive, but is 0" },
        { "DSL0046", Model("5", "Embedding(10, 4, PaddingIndex = 10), Flatten, Linear(2)"), "Embedding(10, 4, PaddingIndex = 10)", "PaddingIndex 10 is not a token id of a 10-entry table" },
        { "DSL0012", Model("5, 8", "MultiheadAttention(0), Flatten, Linear(2)"), "MultiheadAttention(0)", "num_heads must be positive, but is 0" },
        { "DSL0012", Model("5, 8", "TransformerEncoderLayer(2, 16, 1.0), Flatten, Linear(2)"), "TransformerEncoderLayer(2, 16, 1.0)", "dropout must be in [0, 1), but is 1" },
        { "DSL0012", Model("5, 8", "TransformerEncoderLayer(2, 16, double.NaN), Flatten, Linear(2)"), "TransformerEncoderLayer(2, 16, double.NaN)", "dropout must be in [0, 1), but is NaN" },
        { "DSL0012", Model("4", "BatchNorm1d(Momentum = double.NaN), Linear(2)"), "BatchNorm1d(Momentum = double.NaN)", "Momentum must be in [0, 1], but is NaN" },
        { "DSL0044", Model("5, 8", "TransformerEncoderLayer(2, 16, Activation = Activation.Tanh), Flatten, Linear(2)"), "TransformerEncoderLayer(2, 16, Activation = Activation.Tanh)", "Activation must be ReLU or GELU" },
        { "DSL0003", Model("5, 8", "TransformerEncoderLayer(2, 16, \"Missing\"), Flatten, Linear(2)"), "TransformerEncoderLayer(2, 16, \"Missing\")", "'Missing' does not name a property or field of 'M'" },
        { "DSL0004", Model("5, 8", "LSTM(8, NumLayers = nameof(Rate)), Flatten, Linear(2)"), "LSTM(8, NumLayers = nameof(Rate))", "LSTM num_layers needs an int size, but 'Rate' is of type 'double'" },
        { "DSL0009", Model("1, 4, 4", "MaxPool1d(2), Flatten, Linear(2)"), "MaxPool1d(2)", "MaxPool1d expects a [channels, length] input but receives [1, 4, 4]" },
        { "DSL0033", Model("2, 3", "AvgPool1d(4), Flatten, Linear(2)"), "AvgPool1d(4)", "AvgPool1d with window 4 does not fit its [2, 3] input: the output would be 0" },
        { "DSL0033", Model("2, 5", "Conv1d(4, 3), MaxPool1d(4), Flatten, Linear(2)"), "MaxPool1d(4)", "MaxPool1d with window 4 does not fit its [4, 3] input: the output would be 0" },
        { "DSL0009", Model("4", "AdaptiveAvgPool1d(2), Flatten, Linear(2)"), "AdaptiveAvgPool1d(2)", "AdaptiveAvgPool1d expects a [channels, length] input but receives [4]" },
        { "DSL0043", Model("1, 8", "MaxPool1d(2, Padding = 2), Flatten, Linear(2)"), "MaxPool1d(2, Padding = 2)", "MaxPool1d: padding 2 must be at most half the kernel size 2" },
        { "DSL0012", Model("1, 8", "AvgPool1d(2, Stride = 0), Flatten, Linear(2)"), "AvgPool1d(2, Stride = 0)", "stride must be at least 1, but is 0" },
        { "DSL0012", Model("1, 8", "AdaptiveAvgPool1d(0), Flatten, Linear(2)"), "AdaptiveAvgPool1d(0)", "output_size must be positive, but is 0" },
        { "DSL0003", Model("1, 8", "MaxPool1d(\"Window\"), Flatten, Linear(2)"), "MaxPool1d(\"Window\")", "'Window' does not name a property or field of 'M'" },
        { "DSL0004", Model("1, 8", "AvgPool1d(2, Padding = nameof(Rate)), Flatten, Linear(2)"), "AvgPool1d(2, Padding = nameof(Rate))", "needs an int Padding, but 'Rate' is of type 'double'" },
        { "DSL0090", Model("5, 3", "LSTM(8), PoolSequence(SequencePooling.Mean), Linear(2)"), "PoolSequence(SequencePooling.Mean)", "PoolSequence pools the steps of a [length, features] sequence, but receives [8], which has none; a recurrent layer before it needs Return = Sequence.All" },
        { "DSL0009", Model("1, 4, 4", "PoolSequence(SequencePooling.Max), Linear(2)"), "PoolSequence(SequencePooling.Max)", "PoolSequence expects a [length, features] input but receives [1, 4, 4]" },
        { "DSL0044", Model("5, 3", "PoolSequence((SequencePooling)5), Linear(2)"), "PoolSequence((SequencePooling)5)", "PoolSequence: pooling must be a named member of SequencePooling" },
        { "DSL0040", Model("5, 3", "PoolSequence(Activation.ReLU), Linear(2)"), "PoolSequence(Activation.ReLU)", "PoolSequence: pooling must be a value of SequencePooling or nameof(a member of that type)" },
        { "DSL0004", Model("5, 3", "PoolSequence(nameof(Rate)), Linear(2)"), "PoolSequence(nameof(Rate))", "PoolSequence pooling needs a SequencePooling, but 'Rate' is of type 'double'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsAtOffendingAttribute(string id, string source, string locatedText, string messageFragment)
    {
        var output = GeneratorHarness.Run(source);
        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(locatedText, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Contains(messageFragment, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void HeadsThatDependOnHyperparametersAreCheckedAtEveryValue()
    {
        var source = Sources.Usings + """
            namespace T;
            [Model(Input = new[] { 5, 12 })]
            public partial class M
            {
                [Hyperparameter(1, 6, Default = 3)] public partial int Heads { get; }
                [MultiheadAttention(nameof(Heads)), TransformerEncoderLayer(nameof(Heads), 24)] public partial Tensor Forward(Tensor x);
            }
            """;
        var output = GeneratorHarness.Run(source);
        // 5 heads do not divide 12, for either layer: a warning each, and the search leaves 5 out.
        Assert.Equal(["DSL0071", "DSL0071"], output.GeneratorDiagnostics.Select(d => d.Id));
        Assert.All(output.GeneratorDiagnostics, d => Assert.Contains("Heads = 5", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("new global::Dsl.Search.CategoricalParameter(\"Heads\", new object[] { 1L, 2L, 3L, 4L, 6L }, 2)", output.Source("M.Model.g.cs"));
        Assert.Empty(output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void EnumValuesTheGeneratorReadsMatchTheRuntime()
    {
        // Named enum arguments reach the generator as their underlying values; these pin the values it decodes.
        Assert.Equal(0, (int)Sequence.Last);
        Assert.Equal(1, (int)Sequence.All);
        Assert.Equal(0, (int)Activation.ReLU);
        Assert.Equal(1, (int)Activation.GELU);
    }
}
