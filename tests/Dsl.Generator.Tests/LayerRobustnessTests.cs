using Dsl.Generator.Tests.Infrastructure;

namespace Dsl.Generator.Tests;

/// <summary>Truncated and garbled variants of the layer-family sources produce diagnostics, never CS8785 or AD0001.</summary>
public class LayerRobustnessTests
{
    public static TheoryData<string> Mutants()
    {
        var data = new TheoryData<string>();
        var random = new Random(271828);
        foreach (var source in LayerSources.All.Values)
        {
            // Cuts and garbles land in the attribute lists, where the layer readers do their work.
            var start = source.IndexOf("[Model", StringComparison.Ordinal);
            for (var cut = start; cut < source.Length; cut += Math.Max(1, (source.Length - start) / 20))
                data.Add(source[..cut]);
            for (var i = 0; i < 15; i++)
            {
                var chars = source.ToCharArray();
                for (var j = 0; j < 3; j++)
                    chars[random.Next(start, chars.Length)] = "(),;[]{}\"=0-xnameof"[random.Next(19)];
                data.Add(new string(chars));
            }
        }
        foreach (var (token, replacement) in new[]
                 {
                     ("Return = Sequence.All", "Return = (Sequence)7"), ("NumLayers = nameof(Layers)", "NumLayers = null"),
                     ("NumLayers = nameof(Layers)", "NumLayers = \"Missing\""), ("PaddingIndex = 0", "PaddingIndex = -5"),
                     ("Embedding(500, nameof(EmbeddingDim)", "Embedding(null, nameof(EmbeddingDim)"), ("LSTM(20,", "LSTM(nameof(TextRnn),"),
                     ("Dropout = 0.2", "Dropout = double.NaN"),
                 })
            data.Add(LayerSources.TextRecurrent.Replace(token, replacement));
        foreach (var (token, replacement) in new[]
                 {
                     ("Activation = Activation.GELU", "Activation = (Activation)99"), ("nameof(DropoutRate)", "nameof(Depth)"),
                     ("nameof(DropoutRate)", "double.PositiveInfinity"), ("MultiheadAttention(8,", "MultiheadAttention(nameof(Heads),"),
                     ("TransformerEncoderLayer(4, 48)", "TransformerEncoderLayer(4, 48, null)"),
                     ("TransformerEncoderLayer(4, 48)", "TransformerEncoderLayer(4, 48, double.NaN)"),
                 })
            data.Add(LayerSources.TinyTransformer.Replace(token, replacement));
        data.Add(LayerSources.Pooled2d.Replace("AdaptiveAvgPool2d(6, 4)", "AdaptiveAvgPool2d(6, 4, 2)"));
        data.Add(LayerSources.Signal1d.Replace("Momentum = 0.01", "Momentum = double.NaN"));
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
