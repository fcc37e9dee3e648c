using Dsl.Generator.Tests.Infrastructure;

namespace Dsl.Generator.Tests;

/// <summary>The shapes 1-D pooling and sequence pooling produce, read off the sizes the layer after them is built with.</summary>
public class PoolingShapeTests
{
    private static string Model(string input, string layers) =>
        Sources.Usings + "namespace T;\n[Model(Input = new[] { " + input + " }, Outputs = 2)]\npublic partial class M\n{\n" +
        "    [Hyperparameter(2, 4, Default = 3)] public partial int Window { get; }\n" +
        "    [Hyperparameter(1, 3, Default = 2)] public partial int Step { get; }\n" +
        "    [Hyperparameter(0, 1, Default = 1)] public partial int Pad { get; }\n" +
        "    [Hyperparameter(Default = SequencePooling.Mean)] public partial SequencePooling Pooling { get; }\n" +
        "    [" + layers + "] public partial Tensor Forward(Tensor x);\n}\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        // input, layers, the constructor call that proves the inferred shape
        // PyTorch's floor((L + 2·padding − kernel) / stride) + 1, the stride defaulting to the window.
        { "4, 20", "MaxPool1d(2), Flatten, Linear(2)", "Linear(40L, 2L" },
        { "4, 20", "MaxPool1d(3, Stride = 2, Padding = 1), Flatten, Linear(2)", "Linear(40L, 2L" },
        { "4, 21", "AvgPool1d(4), Flatten, Linear(2)", "Linear(20L, 2L" },
        { "4, 21", "AvgPool1d(4, Stride = 3, Padding = 2), Flatten, Linear(2)", "Linear(32L, 2L" },
        { "3, 20", "Conv1d(6, 5), AvgPool1d(2), Conv1d(8, 3), Flatten, Linear(2)", "Conv1d(6L, 8L, 3L" },
        { "3, 20", "Conv1d(6, 5), AdaptiveAvgPool1d(4), Flatten, Linear(2)", "Linear(24L, 2L" },
        { "3, 2", "AdaptiveAvgPool1d(5), Flatten, Linear(2)", "Linear(15L, 2L" },
        // Window, stride and padding taken from hyperparameters become arithmetic in the constructor.
        { "4, 20", "MaxPool1d(nameof(Window), Stride = nameof(Step), Padding = nameof(Pad)), Flatten, Linear(2)",
          "Linear(4L * ((20L + 2L * (long)this.Pad - (long)this.Window) / (long)this.Step + 1L), 2L" },
        { "4, 20", "AvgPool1d(nameof(Window)), Flatten, Linear(2)", "Linear(4L * ((20L + 0L - (long)this.Window) / (long)this.Window + 1L), 2L" },
        // [steps, features] pools to [features], whichever layer produced the steps.
        { "7, 5", "PoolSequence(SequencePooling.Max), Linear(2)", "Linear(5L, 2L" },
        { "9", "Embedding(50, 6), GRU(5, Bidirectional = true, Return = Sequence.All), PoolSequence(SequencePooling.Mean), Linear(2)", "Linear(10L, 2L" },
        { "9", "Embedding(50, 8), TransformerEncoderLayer(2, 16), PoolSequence(nameof(Pooling)), Linear(2)", "Linear(8L, 2L" },
        { "7, 5", "PoolSequence(nameof(Pooling)), Linear(2)", "new global::Dsl.Layers.SequencePool(this.Pooling)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void InfersTheShape(string input, string layers, string expectedCode)
    {
        var output = GeneratorHarness.Run(Model(input, layers));

        // Every case declares the same hyperparameters; those a case leaves unused draw DSL0079 warnings, which are not its subject.
        Assert.Empty(output.GeneratorDiagnostics.Where(d => d.Id != "DSL0079"));
        Assert.Empty(output.Errors);
        Assert.Contains(expectedCode, output.Source("M.Model.g.cs"));
    }
}
