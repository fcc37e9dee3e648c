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
        return data;
    }

    [Theory]
    [MemberData(nameof(Mutants))]
    public void GeneratorNeverCrashes(string source) => Mutations.AssertGeneratorSurvives(source);
}
