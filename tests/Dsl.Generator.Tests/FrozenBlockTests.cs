using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>[Frozen] blocks: the exact module names the model declares for the trainer, and caching of the attribute.</summary>
public class FrozenBlockTests
{
    private static string Model(string members) =>
        Sources.Usings + "namespace T;\n[Model(Input = new[] { 4 }, Outputs = 2)]\npublic partial class M\n{\n" + members + "\n}\n";

    private static List<string> FrozenModuleLines(string source)
    {
        var output = GeneratorHarness.Run(source);
        Assert.Empty(output.GeneratorDiagnostics);
        Assert.Empty(output.Errors);
        return output.Source("M.Model.g.cs").Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("[global::Dsl.FineTuning.FrozenModulesAttribute(", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public void A_frozen_branch_names_its_own_fields_and_not_those_of_a_branch_sharing_its_prefix()
    {
        var lines = FrozenModuleLines(Model(
            "[Frozen, Linear(3), Activate(Activation.ReLU), BatchNorm1d] private partial Tensor Branch(Tensor x);\n" +
            "[Linear(3)] private partial Tensor Branch1(Tensor x);\n" +
            "[Fuse(FusionKind.Concat, nameof(Branch), nameof(Branch1)), Linear(2)] public partial Tensor Forward(Tensor x);"));

        Assert.Equal(["[global::Dsl.FineTuning.FrozenModulesAttribute(\"branch_fc1\", \"branch_bn1\")]"], lines);
    }

    [Fact]
    public void A_nested_frozen_block_keeps_its_own_BatchNorm_setting_and_a_residual_shortcut_stays_with_its_holder()
    {
        var lines = FrozenModuleLines(Model(
            "[Linear(3)] private partial Tensor A(Tensor x);\n" +
            "[Frozen(TrainBatchNorm = true), Linear(3), BatchNorm1d] private partial Tensor B(Tensor x);\n" +
            "[Linear(5)] private partial Tensor Wide(Tensor x);\n" +
            "[Frozen, Fuse(FusionKind.Sum, nameof(A), nameof(B)), Residual(nameof(Wide))] private partial Tensor Outer(Tensor x);\n" +
            "[Linear(3)] private partial Tensor Side(Tensor x);\n" +
            "[Fuse(FusionKind.Concat, nameof(Outer), nameof(Side)), Linear(2)] public partial Tensor Forward(Tensor x);"));

        Assert.Equal(
        [
            // Sum of equal widths has no weights; the projecting shortcut of Outer's Residual is Outer's.
            "[global::Dsl.FineTuning.FrozenModulesAttribute(\"a_fc1\", \"outer_wide.shortcut\", \"outer_wide.body\")]",
            "[global::Dsl.FineTuning.FrozenModulesAttribute(\"b_fc1\", \"b_bn1\", TrainBatchNorm = true)]",
        ], lines);
    }

    [Fact]
    public void A_model_without_frozen_blocks_declares_none() =>
        Assert.Empty(FrozenModuleLines(Model("[Linear(3)] private partial Tensor A(Tensor x);\n[Residual(nameof(A)), Linear(2)] public partial Tensor Forward(Tensor x);")));

    [Fact]
    public void A_LayerNorm_without_Affine_holds_nothing_to_freeze_but_a_BatchNorm_without_Affine_keeps_its_statistics()
    {
        var output = GeneratorHarness.Run(Model(
            "[Frozen, LayerNorm(Affine = false)] private partial Tensor Plain(Tensor x);\n" +
            "[Frozen, BatchNorm1d(Affine = false)] private partial Tensor Stats(Tensor x);\n" +
            "[Fuse(FusionKind.Concat, nameof(Plain), nameof(Stats)), Linear(2)] public partial Tensor Forward(Tensor x);"));

        var warning = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal("DSL0094", warning.Id);
        Assert.Equal("Block 'Plain' is [Frozen] but holds no parameters or statistics, so freezing it changes nothing",
            warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(output.Errors);
        Assert.Contains("[global::Dsl.FineTuning.FrozenModulesAttribute(\"stats_bn1\")]", output.Source("M.Model.g.cs"));
    }

    [Fact]
    public void Frozen_blocks_are_cached_and_an_edit_of_the_attribute_modifies_the_model()
    {
        var compilation = GeneratorHarness.Compilation(Sources.FrozenBlocks, "namespace Other; public class Unrelated { }");
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        var unrelated = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(unrelated,
            CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { int x; }", GeneratorHarness.ParseOptions, unrelated.FilePath));
        var second = driver.RunGenerators(edited).GetRunResult();
        Assert.All(Reasons(second, TrackingNames.ParsedModels).Concat(Reasons(second, TrackingNames.CheckedModels)), r => Assert.Contains(r, Reused));

        // An edit of the model's own file that changes nothing for the generator parses the model again (an unrelated
        // file's edit never does), and the parsed model, [Frozen] blocks and all, must compare equal to the last one.
        var model = compilation.SyntaxTrees.First();
        var commented = CSharpSyntaxTree.ParseText(model.GetText() + "\n// A trailing comment.\n", GeneratorHarness.ParseOptions, model.FilePath);
        var reparsed = driver.RunGenerators(compilation.ReplaceSyntaxTree(model, commented)).GetRunResult();
        var parsed = Reasons(reparsed, TrackingNames.ParsedModels);
        Assert.Contains(IncrementalStepRunReason.Unchanged, parsed);
        Assert.All(parsed.Concat(Reasons(reparsed, TrackingNames.CheckedModels)), r => Assert.Contains(r, Reused));

        var toggled = model.GetText().ToString().Replace("[Frozen, Flatten, Linear(16)]", "[Frozen(TrainBatchNorm = true), Flatten, Linear(16)]");
        Assert.NotEqual(model.GetText().ToString(), toggled);
        var third = driver.RunGenerators(compilation.ReplaceSyntaxTree(model, CSharpSyntaxTree.ParseText(toggled, GeneratorHarness.ParseOptions, model.FilePath))).GetRunResult();
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(third, TrackingNames.ParsedModels));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(third, TrackingNames.CheckedModels));
    }

    private static readonly IncrementalStepRunReason[] Reused = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    private static List<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results.SelectMany(r => r.TrackedSteps.TryGetValue(step, out var steps) ? steps : []).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
}
