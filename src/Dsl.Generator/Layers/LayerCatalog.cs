using System.Collections.Generic;
using System.Linq;

namespace Dsl.Generator.Layers;

/// <summary>Every layer kind the generator understands, by attribute name.</summary>
internal static class LayerCatalog
{
    private static readonly Dictionary<string, LayerDefinition> ByName = new LayerDefinition[]
    {
        new LinearLayer(),
        new Conv2dLayer(),
        new WindowPoolingLayer("MaxPool2d", 2),
        new FlattenLayer(),
        new DropoutLayer(),
        new ActivateLayer(),
        new Conv1dLayer(),
        new WindowPoolingLayer("AvgPool2d", 2),
        new AdaptiveAvgPool2dLayer(),
        new BatchNorm1dLayer(),
        new BatchNorm2dLayer(),
        new LayerNormLayer(),
        new EmbeddingLayer(),
        new LstmLayer(),
        new GruLayer(),
        new MultiheadAttentionLayer(),
        new TransformerEncoderLayer(),
        new FuseLayer(),
        new ResidualLayer(),
        new RepeatLayer(),
        new WindowPoolingLayer("MaxPool1d", 1),
        new WindowPoolingLayer("AvgPool1d", 1),
        new AdaptiveAvgPool1dLayer(),
        new PoolSequenceLayer(),
    }.ToDictionary(d => d.Name);

    public static LayerDefinition? Find(string name) => ByName.TryGetValue(name, out var definition) ? definition : null;

    public static LayerDefinition Get(string name) => ByName[name];
}
