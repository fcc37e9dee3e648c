using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>
/// A model whose files use no type declared in another file is parsed against a compilation of just its files, so edits
/// elsewhere never parse it again; a model that does use such a type is parsed against the whole compilation, and still
/// follows every change to that type.
/// </summary>
public class SyntaxFirstParsingTests
{
    private const string KindsEnum = """
        namespace Samples;

        public enum Kind { Small, Large }
        """;

    /// <summary>A model whose categorical hyperparameter is an enum declared in another file.</summary>
    private const string ModelUsingKind = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 8 }, Outputs = 2)]
        public partial class Chooser
        {
            [Hyperparameter(Default = Kind.Small)] public partial Kind Size { get; }

            [Linear(2)]
            public partial Tensor Forward(Tensor x);
        }
        """;

    private const string Unrelated = "namespace Other; public class Unrelated { }";

    private static GeneratorDriverRunResult RunThenEdit(string[] sources, int editedIndex, string editedText, out GeneratorDriverRunResult first)
    {
        var compilation = GeneratorHarness.Compilation(sources);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        first = driver.GetRunResult();
        var tree = compilation.SyntaxTrees.ElementAt(editedIndex);
        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(editedText, GeneratorHarness.ParseOptions, tree.FilePath));
        return driver.RunGenerators(edited).GetRunResult();
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results[0].TrackedSteps.TryGetValue(step, out var runs) ? runs.SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray() : [];

    private static string ModelSource(GeneratorDriverRunResult result, string className) =>
        result.Results[0].GeneratedSources.Single(s => s.HintName.EndsWith(className + ".Model.g.cs", StringComparison.Ordinal)).SourceText.ToString();

    [Fact]
    public void UnrelatedEditDoesNotParseASelfContainedModelAgain()
    {
        var second = RunThenEdit([Sources.FashionCnn, Unrelated], 1, "namespace Other; public class Unrelated { int x; }", out _);

        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.ParsedModels));
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.CheckedModels));
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.Diagnostics));
    }

    [Fact]
    public void CommentInTheModelFileParsesItAgainButEmitsNothingNew()
    {
        var second = RunThenEdit([Sources.FashionCnn, Unrelated], 0, Sources.FashionCnn + "\n// a comment\n", out _);

        Assert.Equal([IncrementalStepRunReason.Unchanged], Reasons(second, TrackingNames.ParsedModels));
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.CheckedModels));
    }

    [Fact]
    public void ModelUsingATypeFromAnotherFileIsParsedAgainstTheWholeCompilation()
    {
        var second = RunThenEdit([ModelUsingKind, KindsEnum, Unrelated], 2, "namespace Other; public class Unrelated { int x; }", out var first);

        Assert.Contains("global::Samples.Kind.Small, global::Samples.Kind.Large", ModelSource(first, "Chooser"));
        // Parsed again (the whole compilation changed), found equal, so nothing after it ran.
        Assert.Equal([IncrementalStepRunReason.Unchanged], Reasons(second, TrackingNames.ParsedModels));
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.CheckedModels));
    }

    [Fact]
    public void EditingATypeTheModelUsesRegeneratesTheModel()
    {
        var second = RunThenEdit([ModelUsingKind, KindsEnum], 1, KindsEnum.Replace("Large", "Large, Huge"), out _);

        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, TrackingNames.ParsedModels));
        Assert.Contains("global::Samples.Kind.Small, global::Samples.Kind.Large, global::Samples.Kind.Huge", ModelSource(second, "Chooser"));
    }

    [Fact]
    public void GlobalUsingsInAnotherFileAreSeen()
    {
        const string globalUsings = "global using Dsl;\nglobal using static TorchSharp.torch;\n";
        var model = Sources.FashionCnn.Replace(Sources.Usings, "");
        var output = GeneratorHarness.Run(model, globalUsings);

        Assert.Empty(output.GeneratorDiagnostics);
        Assert.Empty(output.Errors);
        var second = RunThenEdit([model, globalUsings, Unrelated], 2, "namespace Other; public class Unrelated { int x; }", out _);
        Assert.Equal([IncrementalStepRunReason.Cached], Reasons(second, TrackingNames.ParsedModels));
    }

    [Fact]
    public void TypeInAnotherFileShadowingAnImportedOneIsTheOneUsed()
    {
        // Samples.Activation, declared in another file, hides Dsl.Activation from `using Dsl;` inside namespace Samples.
        const string shadow = "namespace Samples;\npublic enum Activation { ReLU, Tanh }\n";
        var output = GeneratorHarness.Run(Sources.FashionCnn, shadow);

        var parameters = output.Source("FashionCnn.Model.g.cs");
        Assert.Contains("global::Samples.Activation.ReLU, global::Samples.Activation.Tanh", parameters);
        Assert.DoesNotContain("global::Dsl.Activation.GELU", parameters);
    }

    [Fact]
    public void EditingTheOtherPartOfAPartialModelRegeneratesIt()
    {
        const string layers = Sources.Usings + """
            namespace Samples;

            [Model(Input = new[] { 8 }, Outputs = 2)]
            public partial class Split
            {
                [Linear(nameof(Hidden)), Linear(2)]
                public partial Tensor Forward(Tensor x);
            }
            """;
        const string hyperparameters = Sources.Usings + """
            namespace Samples;

            public partial class Split
            {
                [Hyperparameter(4, 64, Default = 16)] public partial int Hidden { get; }
            }
            """;
        var second = RunThenEdit([layers, hyperparameters], 1, hyperparameters.Replace("Default = 16", "Default = 32"), out var first);

        Assert.Contains("_Hidden = 16", ModelSource(first, "Split"));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, TrackingNames.ParsedModels));
        Assert.Contains("_Hidden = 32", ModelSource(second, "Split"));
    }

    [Theory]
    [InlineData("[Linear(Sizes.Hidden), Linear(2)]", "")]
    [InlineData("[Linear(Hidden), Linear(2)]", "using static Samples.Sizes;\n")]
    public void ConstantsFromAnotherFileAreFollowed(string layers, string extraUsing)
    {
        const string sizes = "namespace Samples;\npublic static class Sizes { public const int Hidden = 12; }\n";
        var model = extraUsing + Sources.Usings + """
            namespace Samples;

            [Model(Input = new[] { 8 }, Outputs = 2)]
            public partial class Constants
            {
            """ + "\n    " + layers + "\n" + """
                public partial Tensor Forward(Tensor x);
            }
            """;

        var second = RunThenEdit([model, sizes], 1, sizes.Replace("Hidden = 12", "Hidden = 20"), out var first);

        Assert.Contains("Linear(8L, 12L", ModelSource(first, "Constants"));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, TrackingNames.ParsedModels));
        Assert.Contains("Linear(8L, 20L", ModelSource(second, "Constants"));
    }
}
