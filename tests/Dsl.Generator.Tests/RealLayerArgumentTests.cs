using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>Dropout, Eps and Momentum of the recurrent, attention and normalization layers take a hyperparameter too.</summary>
public class RealLayerArgumentTests
{
    private const string Source = Sources.Usings + """
        namespace T;

        [Model(Input = new[] { 6, 4 }, Outputs = 2)]
        public partial class Searched
        {
            [Hyperparameter(0.0, 0.5, Default = 0.1)] public partial double Rate { get; }
            [Hyperparameter(1e-6, 1e-3, Log = true, Default = 1e-5)] public partial double Epsilon { get; }
            private double Slow => Rate / 2;

            [LSTM(8, NumLayers = 2, Dropout = nameof(Rate), Return = Sequence.All)]
            [MultiheadAttention(2, Dropout = nameof(Slow))]
            [LayerNorm(Eps = nameof(Epsilon))]
            [Flatten, BatchNorm1d(Momentum = nameof(Rate), Eps = 1e-4), Linear(2)]
            public partial Tensor Forward(Tensor x);
        }
        """;

    [Fact]
    public void NameofMembersBecomeConstructorArguments()
    {
        var output = GeneratorHarness.Run(Source);

        Assert.Empty(output.GeneratorDiagnostics);
        var code = output.Source("Searched.Model.g.cs");
        Assert.Contains("dropout: this.Rate", code);
        Assert.Contains("dropout: this.Slow", code);
        Assert.Contains("eps: this.Epsilon", code);
        Assert.Contains("eps: 0.0001, momentum: this.Rate", code);
    }

    [Fact]
    public void GeneratedCodeCompilesWithoutWarnings()
    {
        var output = GeneratorHarness.Run(Source);
        var problems = output.GeneratorDiagnostics.Concat(output.CompilationDiagnostics).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
