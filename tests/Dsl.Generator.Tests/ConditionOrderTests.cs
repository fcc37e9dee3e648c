using Dsl.Generator.Tests.Infrastructure;
using Dsl.Search;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>[When] may name a hyperparameter declared after it; the search space still lists every controller first.</summary>
public class ConditionOrderTests
{
    private const string ConditionBeforeController = Sources.Usings + """
        namespace T;

        public enum Mode { Plain, Wide }

        [Model(Input = new[] { 4 }, Outputs = 2)]
        public partial class M
        {
            [Hyperparameter(8, 32, Default = 16), When(nameof(Extra), true)] public partial int ExtraWidth { get; }
            [Hyperparameter(Default = false), When(nameof(Kind), Mode.Wide)] public partial bool Extra { get; }
            [Hyperparameter(Default = Mode.Plain)] public partial Mode Kind { get; }

            [Linear(nameof(ExtraWidth)), Linear(2)] public partial Tensor Forward(Tensor x);
        }
        """;

    [Fact]
    public void AControllerMayBeDeclaredAfterTheParameterItControls()
    {
        var output = GeneratorHarness.Run(ConditionBeforeController);
        Assert.Empty(output.GeneratorDiagnostics);
        Assert.Empty(output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));

        using var assembly = GeneratedAssembly.Compile(ConditionBeforeController);
        var record = assembly.Type("T.M+Hyperparameters");
        // SearchSpace's constructor refuses a condition on a parameter listed after it.
        var space = (SearchSpace)record.GetProperty("SearchSpace")!.GetValue(null)!;
        Assert.Equal(["Kind", "Extra", "ExtraWidth"], space.Select(p => p.Name));

        IReadOnlyDictionary<string, object> ToValues(Dictionary<string, object> values) =>
            ((IHyperparameters)record.GetMethod("FromValues")!.Invoke(null, [values])!).ToValues();
        var mode = assembly.Type("T.Mode");
        var wide = Enum.Parse(mode, "Wide");
        Assert.Equal(["Kind"], ToValues(new()).Keys);
        Assert.Equal(["Kind", "Extra"], ToValues(new() { ["Kind"] = wide }).Keys);
        Assert.Equal(["Kind", "Extra", "ExtraWidth"], ToValues(new() { ["Kind"] = wide, ["Extra"] = true }).Keys);
        // Extra = true while Extra itself is inactive leaves ExtraWidth inactive too, as SearchSpace.IsActive says.
        Assert.Equal(["Kind"], ToValues(new() { ["Extra"] = true }).Keys);
        Assert.Equal(space.Defaults().Keys, ToValues(new()).Keys);
    }

    [Fact]
    public void ACycleOfConditionsIsReportedOnceWithItsPath()
    {
        var source = Sources.Usings + """
            namespace T;

            [Model(Input = new[] { 4 }, Outputs = 2)]
            public partial class M
            {
                [Hyperparameter(1, 4, Default = 2), When(nameof(C), true)] public partial int Width { get; }
                [Hyperparameter, When(nameof(B), true)] public partial bool A { get; }
                [Hyperparameter, When(nameof(C), true)] public partial bool B { get; }
                [Hyperparameter, When(nameof(A), true)] public partial bool C { get; }

                [Linear(nameof(Width)), Linear(2)] public partial Tensor Forward(Tensor x);
            }
            """;
        var output = GeneratorHarness.Run(source);
        var cycle = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal(("DSL0074", DiagnosticSeverity.Error), (cycle.Id, cycle.Severity));
        Assert.Equal("Hyperparameter 'A' is part of a cycle of [When] conditions: A -> B -> C -> A", cycle.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(output.Errors);
    }
}
