using System.Collections.Immutable;
using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Dsl.Generator.Tests;

/// <summary>What the generator emits depends on the packages a project references and on the package's MSBuild options.</summary>
public sealed class PackageOptionsTests
{
    [Fact]
    public void A_project_with_models_gets_the_native_setup_module_initializer_by_default()
    {
        var output = Run([Sources.FashionCnn], references: null, properties: []);
        Assert.Contains(output.Sources, s => s.HintName == "Dsl.ModuleInitializer.g.cs");
    }

    [Theory]
    [InlineData("false")]
    [InlineData(" False ")]
    public void DslEmitModuleInitializer_false_leaves_the_module_initializer_out(string value)
    {
        var output = Run([Sources.FashionCnn], references: null, properties: [("DslEmitModuleInitializer", value)]);
        Assert.DoesNotContain(output.Sources, s => s.HintName == "Dsl.ModuleInitializer.g.cs");
        Assert.Contains(output.Sources, s => s.HintName.EndsWith("FashionCnn.Model.g.cs", StringComparison.Ordinal));
        Assert.Empty(output.Errors);
    }

    [Fact]
    public void A_sweep_gets_RunCommandLineAsync_only_when_Dsl_CommandLine_is_referenced()
    {
        var withCommandLine = Run([Sources.FashionSweep], references: null, properties: []);
        Assert.Contains("RunCommandLineAsync", withCommandLine.Source("FashionSweep.Sweep.g.cs"));

        var withoutCommandLine = Run([Sources.FashionSweep], references: ReferencesWithoutCommandLine(), properties: []);
        var source = withoutCommandLine.Source("FashionSweep.Sweep.g.cs");
        Assert.DoesNotContain("RunCommandLineAsync", source);
        Assert.Contains("RunAsync(", source);
        Assert.Empty(withoutCommandLine.GeneratorDiagnostics);
        Assert.Empty(withoutCommandLine.Errors);
    }

    [Fact]
    public void A_sweep_gets_its_typed_fusion_methods_only_when_Dsl_ModelFusion_is_referenced()
    {
        var withFusion = Run([Sources.FashionSweep], references: null, properties: []).Source("FashionSweep.Sweep.g.cs");
        Assert.Contains("EnsembleTopAsync(", withFusion);
        Assert.Contains("SoupTopAsync(", withFusion);

        // Dsl.CommandLine references Dsl.ModelFusion, so a project without fusion has neither.
        var withoutFusion = Run([Sources.FashionSweep], references: ReferencesWithout(
            typeof(Dsl.CommandLine.SweepCommandLine).Assembly.Location, typeof(Dsl.ModelFusion.Studies.StudyFusion).Assembly.Location), properties: []);
        var source = withoutFusion.Source("FashionSweep.Sweep.g.cs");
        Assert.DoesNotContain("EnsembleTopAsync", source);
        Assert.DoesNotContain("SoupTopAsync", source);
        Assert.Contains("RunAsync(", source);
        Assert.Empty(withoutFusion.GeneratorDiagnostics);
        Assert.Empty(withoutFusion.Errors);
    }

    private static IEnumerable<MetadataReference> ReferencesWithoutCommandLine() => ReferencesWithout(typeof(Dsl.CommandLine.SweepCommandLine).Assembly.Location);

    private static IEnumerable<MetadataReference> ReferencesWithout(params string[] assemblies) =>
        GeneratorHarness.Compilation().References.Where(r => r is not PortableExecutableReference { FilePath: var path } || !assemblies.Contains(path));

    private static GeneratorOutput Run(string[] sources, IEnumerable<MetadataReference>? references, (string Name, string Value)[] properties)
    {
        var compilation = GeneratorHarness.Compilation(sources);
        if (references is not null) compilation = compilation.WithReferences(references);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new ModelGenerator().AsSourceGenerator(), new SweepGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new BuildProperties(properties));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return new GeneratorOutput(driver.GetRunResult(), generatorDiagnostics, output.GetDiagnostics());
    }

    /// <summary>The analyzer config a build gives the generator: <c>build_property.*</c> from CompilerVisibleProperty items.</summary>
    private sealed class BuildProperties((string Name, string Value)[] properties) : AnalyzerConfigOptionsProvider
    {
        private readonly Options global = new(properties.ToImmutableDictionary(p => "build_property." + p.Name, p => p.Value));

        public override AnalyzerConfigOptions GlobalOptions => global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(ImmutableDictionary<string, string>.Empty);

            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
