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
            for (var cut = source.Length / 3; cut < source.Length; cut += Math.Max(1, source.Length / 40))
                data.Add(source[..cut]);
            var random = new Random(12345);
            for (var i = 0; i < 40; i++)
            {
                var chars = source.ToCharArray();
                for (var j = 0; j < 3; j++)
                    chars[random.Next(source.Length / 3, chars.Length)] = "(),;[]{}\"=0-xnameof"[random.Next(19)];
                data.Add(new string(chars));
            }
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
    public void GeneratorNeverCrashes(string source)
    {
        var output = GeneratorHarness.Run(source);
        var crashes = output.GeneratorDiagnostics.Concat(output.CompilationDiagnostics).Where(d => d.Id is "CS8785" or "AD0001").ToList();
        Assert.True(crashes.Count == 0, string.Join("\n", crashes));
        Assert.All(output.RunResult.Results, r => Assert.Null(r.Exception));
    }
}
