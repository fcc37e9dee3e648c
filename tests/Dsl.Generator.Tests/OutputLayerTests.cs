using Dsl.Generator.Tests.Infrastructure;

namespace Dsl.Generator.Tests;

/// <summary>The output modules a model declares for structured pruning: Forward's last layer with weights, wherever it was registered.</summary>
public class OutputLayerTests
{
    private static string Model(string members, int input = 4) =>
        Sources.Usings + "namespace T;\n[Model(Input = new[] { " + input + " }, Outputs = 2)]\npublic partial class M\n{\n" + members + "\n}\n";

    private static List<string> OutputLayerLines(string source)
    {
        var output = GeneratorHarness.Run(source);
        Assert.Empty(output.GeneratorDiagnostics);
        Assert.Empty(output.Errors);
        return output.Source("M.Model.g.cs").Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("[global::Dsl.Compression.OutputLayerAttribute(", StringComparison.Ordinal)).ToList();
    }

    private const string Branches =
        "[Linear(8), Activate(Activation.ReLU)] private partial Tensor Tower(Tensor x);\n" +
        "[Linear(8)] private partial Tensor Skip(Tensor x);\n";

    [Fact]
    public void A_Linear_after_a_Fuse_is_the_output_layer_though_the_branch_fields_register_after_it() =>
        Assert.Equal(["[global::Dsl.Compression.OutputLayerAttribute(\"fc1\")]"], OutputLayerLines(Model(Branches +
            "[Fuse(FusionKind.Concat, nameof(Tower), nameof(Skip)), Linear(2)] public partial Tensor Forward(Tensor x);")));

    [Fact]
    public void Activations_dropout_and_normalization_after_the_last_weighted_layer_are_passed_over() =>
        Assert.Equal(["[global::Dsl.Compression.OutputLayerAttribute(\"fc2\")]"], OutputLayerLines(Model(
            "[Linear(8), Activate(Activation.ReLU), Linear(2), BatchNorm1d, Dropout(0.1), Activate(Activation.GELU)] public partial Tensor Forward(Tensor x);")));

    [Fact]
    public void A_Fuse_at_the_end_names_each_branch_output_and_a_projecting_fusion() =>
        Assert.Equal(["[global::Dsl.Compression.OutputLayerAttribute(\"fusion1\", \"tower_fc1\", \"wide_fc1\")]"], OutputLayerLines(Model(
            "[Linear(2), Activate(Activation.ReLU)] private partial Tensor Tower(Tensor x);\n" +
            "[Linear(5)] private partial Tensor Wide(Tensor x);\n" +
            "[Linear(2), Fuse(FusionKind.Sum, nameof(Tower), nameof(Wide), Width = 2)] public partial Tensor Forward(Tensor x);")));

    [Fact]
    public void A_weightless_branch_passes_its_input_on_so_the_layer_before_the_Fuse_is_an_output_layer_too() =>
        Assert.Equal(["[global::Dsl.Compression.OutputLayerAttribute(\"tower_fc1\", \"fc1\")]"], OutputLayerLines(Model(
            "[Linear(1)] private partial Tensor Tower(Tensor x);\n" +
            "[Activate(Activation.ReLU)] private partial Tensor Plain(Tensor x);\n" +
            "[Linear(1), Fuse(FusionKind.Concat, nameof(Tower), nameof(Plain))] public partial Tensor Forward(Tensor x);")));

    [Fact]
    public void A_Residual_or_Repeat_at_the_end_is_named_whole() =>
        Assert.Equal(["[global::Dsl.Compression.OutputLayerAttribute(\"block\")]"], OutputLayerLines(Model(
            "[Linear(2), Activate(Activation.ReLU), Linear(2)] private partial Tensor Block(Tensor x);\n" +
            "[Linear(2), Repeat(nameof(Block), 2)] public partial Tensor Forward(Tensor x);")));

    [Fact]
    public void A_model_without_weights_declares_no_output_layer() =>
        Assert.Empty(OutputLayerLines(Model("[Activate(Activation.ReLU), Flatten] public partial Tensor Forward(Tensor x);", input: 2)));
}
