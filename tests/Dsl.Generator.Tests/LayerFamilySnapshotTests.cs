using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>What the generator writes for each layer family beyond the core set, pinned as snapshots and compiled without warnings.</summary>
public class LayerFamilySnapshotTests
{
    [Theory]
    [InlineData(nameof(LayerSources.Signal1d), "SignalNet")]
    [InlineData(nameof(LayerSources.Pooled2d), "PooledNet")]
    [InlineData(nameof(LayerSources.TextRecurrent), "TextRnn")]
    [InlineData(nameof(LayerSources.TinyTransformer), "TinyTransformer")]
    [InlineData(nameof(LayerSources.Pooled1d), "Pooled1dNet")]
    [InlineData(nameof(LayerSources.SequencePooled), "PooledText")]
    public void LayerFamily(string sourceName, string className)
    {
        var output = GeneratorHarness.Run(LayerSources.All[sourceName]);
        Assert.Empty(output.GeneratorDiagnostics);
        Snapshot.Match(output.Source(className + ".Model.g.cs"), name: sourceName);
    }

    [Theory]
    [InlineData(nameof(LayerSources.Signal1d))]
    [InlineData(nameof(LayerSources.Pooled2d))]
    [InlineData(nameof(LayerSources.TextRecurrent))]
    [InlineData(nameof(LayerSources.TinyTransformer))]
    [InlineData(nameof(LayerSources.Pooled1d))]
    [InlineData(nameof(LayerSources.SequencePooled))]
    public void GeneratedCodeCompilesWithoutWarnings(string sourceName)
    {
        var output = GeneratorHarness.Run(LayerSources.All[sourceName]);
        // Consumers build with warnings as errors, so every warning the generated code causes is a bug.
        var problems = output.GeneratorDiagnostics.Concat(output.CompilationDiagnostics).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
