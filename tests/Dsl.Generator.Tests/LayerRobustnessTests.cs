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
            foreach (var mutant in Mutations.Truncations(source, start, (source.Length - start) / 20)) data.Add(mutant);
            foreach (var mutant in Mutations.Garbles(source, start, 15, random)) data.Add(mutant);
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
    public void GeneratorNeverCrashes(string source) => Mutations.AssertGeneratorSurvives(source);
}
