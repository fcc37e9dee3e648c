namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>Truncated and garbled variants of a source, and the check that the generator survives them.</summary>
internal static class Mutations
{
    private const string Garbage = "(),;[]{}\"=0-xnameof";

    /// <summary>The source cut off at <paramref name="start"/>, then every <paramref name="step"/> characters.</summary>
    public static IEnumerable<string> Truncations(string source, int start, int step)
    {
        for (var cut = start; cut < source.Length; cut += Math.Max(1, step))
            yield return source[..cut];
    }

    /// <summary><paramref name="count"/> copies with three characters after <paramref name="start"/> replaced by syntax noise.</summary>
    public static IEnumerable<string> Garbles(string source, int start, int count, Random random)
    {
        for (var i = 0; i < count; i++)
        {
            var chars = source.ToCharArray();
            for (var j = 0; j < 3; j++)
                chars[random.Next(start, chars.Length)] = Garbage[random.Next(Garbage.Length)];
            yield return new string(chars);
        }
    }

    /// <summary>Runs the generator and requires no CS8785 or AD0001 and no exception in any generator.</summary>
    public static void AssertGeneratorSurvives(string source)
    {
        var output = GeneratorHarness.Run(source);
        var crashes = output.GeneratorDiagnostics.Concat(output.CompilationDiagnostics).Where(d => d.Id is "CS8785" or "AD0001").ToList();
        Assert.True(crashes.Count == 0, string.Join("\n", crashes));
        Assert.All(output.RunResult.Results, r => Assert.Null(r.Exception));
    }
}
