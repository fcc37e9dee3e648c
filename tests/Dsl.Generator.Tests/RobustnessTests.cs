using Dsl.Generator.Tests.Infrastructure;

namespace Dsl.Generator.Tests;

/// <summary>The generator never throws: truncated and garbled sources produce diagnostics, never CS8785 or AD0001.</summary>
public class RobustnessTests
{
    public static TheoryData<string> Mutants()
    {
        var data = new TheoryData<string>();
        foreach (var source in new[] { Sources.FashionCnn, Sources.EveryHyperparameterKind })
        {
            // Truncations at many points, including inside attributes, strings and argument lists.
            foreach (var mutant in Mutations.Truncations(source, source.Length / 3, source.Length / 40)) data.Add(mutant);
            foreach (var mutant in Mutations.Garbles(source, source.Length / 3, 40, new Random(12345))) data.Add(mutant);
        }
        foreach (var token in new[] { "16, 64", "Default = 32", "nameof(Channels)", "new[] { 1, 28, 28 }", "Padding = 1", "10" })
            data.Add(Sources.FashionCnn.Replace(token, ""));
        data.Add(Sources.FashionCnn.Replace("nameof(Channels)", "null"));
        data.Add(Sources.FashionCnn.Replace("new[] { 1, 28, 28 }", "null"));
        data.Add(Sources.FashionCnn.Replace("Default = 32", "Default = \"x\""));
        data.Add(Sources.FashionCnn.Replace("Default = 32", "Default = null"));
        // Bounds and sizes the value checks cannot take as numbers: NaN, infinities, a size that reads itself.
        data.Add(Sources.FashionCnn.Replace("[Hyperparameter(0.0, 0.5, Default = 0.25)]", "[Hyperparameter(0.0, double.PositiveInfinity, Default = 0.25)]"));
        data.Add(Sources.FashionCnn.Replace("[Hyperparameter(0.0, 0.5, Default = 0.25)]", "[Hyperparameter(double.NaN, 0.5, Default = 0.25)]"));
        data.Add(Sources.FashionCnn.Replace("[Hyperparameter(0.0, 0.5, Default = 0.25)]", "[Hyperparameter(0.0, 0.5, Default = double.NaN)]"));
        data.Add(Sources.FashionCnn.Replace("private int Wide => Channels * 2;", "private int Wide => Wide * 2 + long.MinValue / -1;"));
        data.Add(Sources.FashionCnn.Replace("[Hyperparameter(16, 64, Default = 32)]", "[Hyperparameter(int.MinValue, int.MaxValue, Default = 32)]"));
        return data;
    }

    [Theory]
    [MemberData(nameof(Mutants))]
    public void GeneratorNeverCrashes(string source) => Mutations.AssertGeneratorSurvives(source);
}
