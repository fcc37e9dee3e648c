using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>What the generator writes for representative models, pinned as snapshots and compiled without warnings.</summary>
public class GeneratedCodeSnapshotTests
{
    [Fact]
    public void SequentialCnn()
    {
        var output = GeneratorHarness.Run(Sources.FashionCnn);
        Assert.Empty(output.GeneratorDiagnostics);
        Snapshot.Match(output.Source("FashionCnn.Model.g.cs"));
    }

    [Fact]
    public void EveryHyperparameterKind()
    {
        var output = GeneratorHarness.Run(Sources.EveryHyperparameterKind);
        // The model declares one hyperparameter of each kind; only Count, Optimizer (a condition) and Act feed it.
        Assert.Equal(["Wide", "Stepped", "LearningRate", "Fraction", "UseBias", "Size", "Momentum"],
            output.GeneratorDiagnostics.Select(d => Assert.IsType<string>(d.Id == "DSL0079" && d.Severity == DiagnosticSeverity.Warning
                ? d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split('\'')[1] : d.ToString())));
        Snapshot.Match(output.Source("Kinds.Model.g.cs"));
    }

    [Fact]
    public void ModuleInitializer()
    {
        var output = GeneratorHarness.Run(Sources.FashionCnn);
        Snapshot.Match(output.Source("Dsl.ModuleInitializer.g.cs"));
    }

    [Fact]
    public void NoModelsMeansNoOutput()
    {
        var output = GeneratorHarness.Run("namespace N; public class Plain { }");
        Assert.Empty(output.Sources);
    }

    [Fact]
    public void TwoInputFusion()
    {
        var output = GeneratorHarness.Run(Sources.TwoInputFusion);
        Assert.Empty(output.GeneratorDiagnostics);
        Snapshot.Match(output.Source("ImageAndTable.Model.g.cs"));
    }

    [Fact]
    public void ResidualRepeatAndNestedFusion()
    {
        var output = GeneratorHarness.Run(Sources.ResidualRepeatAndNestedFusion);
        Assert.Empty(output.GeneratorDiagnostics);
        Snapshot.Match(output.Source("Structures.Model.g.cs"));
    }

    [Fact]
    public void FrozenBlocks()
    {
        var output = GeneratorHarness.Run(Sources.FrozenBlocks);
        Assert.Empty(output.GeneratorDiagnostics);
        Snapshot.Match(output.Source("Transfer.Model.g.cs"));
    }

    [Fact]
    public void SweepDriver()
    {
        var output = GeneratorHarness.Run(Sources.FashionSweep);
        Assert.Empty(output.GeneratorDiagnostics);
        Snapshot.Match(output.Source("FashionSweep.Sweep.g.cs"));
    }

    [Fact]
    public void ObjectiveSweepDriver()
    {
        var output = GeneratorHarness.Run(Sources.ObjectiveSweep);
        Assert.Empty(output.GeneratorDiagnostics);
        Snapshot.Match(output.Source("Samples.Quadratic.Sweep.g.cs"));
    }

    [Fact]
    public void FusionOps()
    {
        // The ops differ only in the fusion module and the next layer's in_features: pin exactly those lines for each.
        var lines = new List<string>();
        foreach (var op in Enum.GetNames<FusionKind>())
        {
            var output = GeneratorHarness.Run(Sources.FusionOp(op));
            Assert.Empty(output.GeneratorDiagnostics);
            Assert.Empty(output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            lines.Add("// " + op);
            lines.AddRange(output.Source("Fused.Model.g.cs").Split('\n').Where(l => l.Contains("fusion1 =") || l.Contains(" fc1 =")).Select(l => l.Trim()));
        }
        Snapshot.Match(string.Join("\n", lines), extension: "txt");
    }

    [Theory]
    [InlineData(nameof(Sources.FashionCnn))]
    [InlineData(nameof(Sources.EveryHyperparameterKind))]
    [InlineData(nameof(Sources.TwoInputFusion))]
    [InlineData(nameof(Sources.ResidualRepeatAndNestedFusion))]
    [InlineData(nameof(Sources.FrozenBlocks))]
    [InlineData(nameof(Sources.FashionSweep))]
    [InlineData(nameof(Sources.ObjectiveSweep))]
    public void GeneratedCodeCompilesWithoutWarnings(string sourceName)
    {
        var source = (string)typeof(Sources).GetField(sourceName)!.GetValue(null)!;
        var output = GeneratorHarness.Run(source);
        // Consumers build with warnings as errors, so every warning the generated code causes is a bug.
        var problems = output.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
