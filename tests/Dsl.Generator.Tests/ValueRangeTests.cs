using System.Globalization;
using System.Reflection;
using Dsl.Generator.Tests.Infrastructure;
using Dsl.Search;
using Microsoft.CodeAnalysis;
using static TorchSharp.torch;

namespace Dsl.Generator.Tests;

/// <summary>
/// Layers are checked at every value a sampler can produce: values that cannot work are left out of the generated
/// search space and rejected by the record, combinations that cannot work are rejected when the model is built, and
/// numeric Choices (a kernel in { 3, 5, 7 }) are searched as categoricals of numbers.
/// </summary>
public class ValueRangeTests
{
    public ValueRangeTests() => Dsl.Native.TorchNativeLibraries.EnsureLoadable();

    private static string Model(string input, string members) =>
        Sources.Usings + "namespace T;\n[Model(Input = new[] { " + input + " }, Outputs = 2)]\npublic partial class M\n{\n" + members + "\n}\n";

    private static string SearchSpaceLine(GeneratorOutput output, string name) =>
        output.Source("M.Model.g.cs").Split('\n').Single(l => l.Contains("Parameter(\"" + name + "\"")).Trim();

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(CultureInfo.InvariantCulture);

    /// <summary>The generated record's static members, called through reflection on the compiled assembly.</summary>
    private sealed class Record(GeneratedAssembly assembly)
    {
        private readonly Type type = assembly.Type("T.M+Hyperparameters");

        public SearchSpace Space => (SearchSpace)type.GetProperty("SearchSpace")!.GetValue(null)!;

        public IHyperparameters Default => (IHyperparameters)type.GetProperty("Default")!.GetValue(null)!;

        public IHyperparameters FromValues(Dictionary<string, object> values) => Unwrap(() => (IHyperparameters)type.GetMethod("FromValues")!.Invoke(null, [values])!);

        public nn.Module<Tensor, Tensor> Build(IHyperparameters hyperparameters) =>
            Unwrap(() => (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.Type("T.M"), hyperparameters)!);

        private static T Unwrap<T>(Func<T> call)
        {
            try
            {
                return call();
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }

    [Fact]
    public void HeadCountsThatDoNotDivideTheWidthAreLeftOutOfTheSearch()
    {
        // Issue 9, item 2: heads searched over 1..4 with d_model 30; 4 heads used to throw at run time.
        var source = Model("5, 30", "[Hyperparameter(1, 4, Default = 2)] public partial int Heads { get; }\n" +
                                    "[MultiheadAttention(nameof(Heads)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);");
        var output = GeneratorHarness.Run(source);

        var warning = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal(("DSL0071", DiagnosticSeverity.Warning), (warning.Id, warning.Severity));
        Assert.Contains("fails for Heads = 4", Message(warning));
        Assert.Contains("embedding 30 is not divisible by 4", Message(warning));
        Assert.Equal("new global::Dsl.Search.IntParameter(\"Heads\", 1L, 3L, 2L, Log: false, Step: 1L),", SearchSpaceLine(output, "Heads"));

        using var assembly = GeneratedAssembly.Compile(source);
        var record = new Record(assembly);
        var rejected = Assert.Throws<ArgumentOutOfRangeException>(() => record.FromValues(new() { ["Heads"] = 4L }));
        Assert.Contains("Heads must be in [1, 3]; 4 does not fit the layers", rejected.Message);
        foreach (var heads in new[] { 1L, 2L, 3L })
            record.Build(record.FromValues(new() { ["Heads"] = heads })).Dispose();
        Assert.Equal(record.Default, record.FromValues(new(record.Default.ToValues())));
    }

    [Fact]
    public void HolesInARangeLeaveTheSamplerTheValuesThatWork()
    {
        var source = Model("5, 30", "[Hyperparameter(1, 8, Default = 2)] public partial int Heads { get; }\n" +
                                    "[MultiheadAttention(nameof(Heads)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);");
        var output = GeneratorHarness.Run(source);

        Assert.Contains("fails for Heads = 4, 7, 8", Message(Assert.Single(output.GeneratorDiagnostics)));
        Assert.Equal("new global::Dsl.Search.CategoricalParameter(\"Heads\", new object[] { 1L, 2L, 3L, 5L, 6L }, 1),", SearchSpaceLine(output, "Heads"));
        using var assembly = GeneratedAssembly.Compile(source);
        var record = new Record(assembly);
        Assert.Throws<ArgumentOutOfRangeException>(() => record.FromValues(new() { ["Heads"] = 4L }));
        Assert.Throws<ArgumentOutOfRangeException>(() => record.FromValues(new() { ["Heads"] = 7L }));
        // Every choice the sampler can draw builds.
        foreach (var choice in ((CategoricalParameter)record.Space["Heads"]).Choices)
            record.Build(record.FromValues(new() { ["Heads"] = choice })).Dispose();
    }

    [Fact]
    public void SizesComputedByMembersAreCheckedThroughThem()
    {
        // Wide is plain C# over a hyperparameter; 4 heads divide it only for even Channels.
        var source = Model("5, 8", "[Hyperparameter(2, 6, Default = 3)] public partial int Channels { get; }\n" +
                                   "private int Wide => Channels * 2 + 2;\n" +
                                   "[Linear(nameof(Wide)), MultiheadAttention(4), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);");
        var output = GeneratorHarness.Run(source);

        Assert.Contains("fails for Channels = 2, 4, 6", Message(Assert.Single(output.GeneratorDiagnostics)));
        Assert.Equal("new global::Dsl.Search.CategoricalParameter(\"Channels\", new object[] { 3L, 5L }, 0),", SearchSpaceLine(output, "Channels"));
    }

    [Fact]
    public void CombinationsThatFailTogetherAreRejectedWhenTheModelIsBuilt()
    {
        // A kernel of 9 fits a 7x7 image only with padding; 12 never does.
        var source = Model("1, 7, 7", "[Hyperparameter(1, 12, Default = 3)] public partial int Kernel { get; }\n" +
                                      "[Hyperparameter(0, 2, Default = 1)] public partial int Pad { get; }\n" +
                                      "[Conv2d(4, nameof(Kernel), Padding = nameof(Pad)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);");
        var output = GeneratorHarness.Run(source);

        var warning = Message(Assert.Single(output.GeneratorDiagnostics));
        Assert.Contains("fails for Kernel = 12; 6 combinations of Kernel and Pad", warning);
        Assert.Contains("building the model with the failing combinations throws", warning);
        Assert.Equal("new global::Dsl.Search.IntParameter(\"Kernel\", 1L, 11L, 3L, Log: false, Step: 1L),", SearchSpaceLine(output, "Kernel"));
        Assert.Empty(output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));

        using var assembly = GeneratedAssembly.Compile(source);
        var record = new Record(assembly);
        var conflict = Assert.Throws<ArgumentException>(() => record.Build(record.FromValues(new() { ["Kernel"] = 9L, ["Pad"] = 0L })));
        Assert.StartsWith("M cannot be built with Kernel = 9, Pad = 0: together they do not fit Conv2d in Forward", conflict.Message);
        using var fits = record.Build(record.FromValues(new() { ["Kernel"] = 9L, ["Pad"] = 1L }));
        using var output2 = fits.call(randn(2, 1, 7, 7));
        Assert.Equal([2L, 2L], output2.shape);
    }

    [Fact]
    public void ARangeTooWideToTryWholeIsWarnedAboutButNotCut()
    {
        // 10,000 widths are tried at 4,096 points: a value that fails there may not fail everywhere, so nothing is left out.
        var source = Model("5, 3", "[Hyperparameter(1, 10000, Default = 8)] public partial int Width { get; }\n" +
                                   "[Linear(nameof(Width)), MultiheadAttention(4), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);");
        var output = GeneratorHarness.Run(source);

        var warning = Message(Assert.Single(output.GeneratorDiagnostics));
        Assert.Contains("values of Width it was tried with", warning);
        Assert.Contains("narrow the range to what the layer accepts", warning);
        Assert.Equal("new global::Dsl.Search.IntParameter(\"Width\", 1L, 10000L, 8L, Log: false, Step: 1L),", SearchSpaceLine(output, "Width"));
    }

    [Fact]
    public void DropoutRangeIsNarrowedToTheProbabilitiesDropoutAccepts()
    {
        var source = Model("4", "[Hyperparameter(0.0, 1.5, Default = 0.2)] public partial double Rate { get; }\n" +
                                "[Dropout(nameof(Rate)), Linear(2)] public partial Tensor Forward(Tensor x);");
        var output = GeneratorHarness.Run(source);

        Assert.Contains("Rate = 1.5: probability must be in [0.0, 1.0)", Message(Assert.Single(output.GeneratorDiagnostics)));
        Assert.Equal("new global::Dsl.Search.FloatParameter(\"Rate\", 0.0, 0.9999999999999999, 0.2, Log: false, Step: 0.0),", SearchSpaceLine(output, "Rate"));
        using var assembly = GeneratedAssembly.Compile(source);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Record(assembly).FromValues(new() { ["Rate"] = 1.0 }));
    }

    [Fact]
    public void IntegerChoicesAreSearchedAsCategoricalsOfNumbers()
    {
        // Issue 9, item 6: kernel in { 3, 5, 7 }; 7 does not fit a length-6 signal, so it is left out.
        var source = Model("2, 6", "[Hyperparameter(Choices = new object[] { 3, 5, 7 }, Default = 5)] public partial int Kernel { get; }\n" +
                                   "[Hyperparameter(Choices = new object[] { 0.0, 0.25 }, Default = 0.25)] public partial double Rate { get; }\n" +
                                   "[Hyperparameter(Choices = new object[] { 8L, 16L })] public partial long Width { get; }\n" +
                                   "[Conv1d(nameof(Width), nameof(Kernel)), Dropout(nameof(Rate)), Flatten, Linear(2)] public partial Tensor Forward(Tensor x);");
        var output = GeneratorHarness.Run(source);

        var warning = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal("DSL0071", warning.Id);
        Assert.Contains("fails for Kernel = 7", Message(warning));
        Assert.Equal("new global::Dsl.Search.CategoricalParameter(\"Kernel\", new object[] { 3L, 5L }, 1),", SearchSpaceLine(output, "Kernel"));
        Assert.Equal("new global::Dsl.Search.CategoricalParameter(\"Rate\", new object[] { 0.0, 0.25 }, 1),", SearchSpaceLine(output, "Rate"));
        Assert.Equal("new global::Dsl.Search.CategoricalParameter(\"Width\", new object[] { 8L, 16L }, 0),", SearchSpaceLine(output, "Width"));
        Assert.Empty(output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));

        using var assembly = GeneratedAssembly.Compile(source);
        var record = new Record(assembly);
        Assert.Equal(new Dictionary<string, object> { ["Kernel"] = 5L, ["Rate"] = 0.25, ["Width"] = 8L }, record.Default.ToValues());
        Assert.Equal(record.Default, record.FromValues(new(record.Default.ToValues())));
        Assert.Equal(record.Space.Defaults(), record.Default.ToValues());
        var wrong = Assert.Throws<ArgumentOutOfRangeException>(() => record.FromValues(new() { ["Kernel"] = 7L }));
        Assert.Contains("Kernel must be one of 3, 5; 7 does not fit the layers", wrong.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => record.FromValues(new() { ["Kernel"] = 4L }));

        using var model = record.Build(record.FromValues(new() { ["Kernel"] = 3L, ["Width"] = 16L }));
        using var result = model.call(randn(3, 2, 6));
        Assert.Equal([3L, 2L], result.shape);
    }

    [Theory]
    [InlineData("[Hyperparameter(Choices = new object[] { 3, 4.5 })] public partial int K { get; }", "DSL0031", "lists a choice that is not of type int")]
    [InlineData("[Hyperparameter(Choices = new object[] { 3, \"x\" })] public partial int K { get; }", "DSL0031", "lists a choice that is not of type int")]
    [InlineData("[Hyperparameter(Choices = new object[] { 3, 3 })] public partial int K { get; }", "DSL0049", "lists the choice 3 more than once")]
    [InlineData("[Hyperparameter(Choices = new object[] { 3, 5 }, Default = 4)] public partial int K { get; }", "DSL0023", "has default 4, which is not among its choices [3, 5]")]
    [InlineData("[Hyperparameter(1, 9, Choices = new object[] { 3, 5 })] public partial int K { get; }", "DSL0026", "combines Choices with a range")]
    [InlineData("[Hyperparameter(Choices = new object[] { })] public partial int K { get; }", "DSL0032", "has no choices")]
    public void NumericChoicesAreChecked(string declaration, string id, string fragment)
    {
        var output = GeneratorHarness.Run(Model("4", declaration + "\n[Linear(nameof(K)), Linear(2)] public partial Tensor Forward(Tensor x);"));
        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(fragment, Message(diagnostic));
        Assert.Empty(output.Errors);
    }
}
