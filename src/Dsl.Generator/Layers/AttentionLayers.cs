using Dsl.Generator.Diagnostics;
using System.Collections.Generic;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>Shared shape rule of attention layers: a [L, E] sequence whose E the heads split evenly.</summary>
internal static class Attention
{
    public static List<Dim>? InferHeads(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report, string embedding)
    {
        if (!report.RequireRank(layer, input, 2, "[length, " + embedding + "]")) return null;
        var heads = Dim.From(layer.Find("num_heads")!);
        if (input[1].Value is { } width && heads.Value is { } count && width % count != 0)
        {
            report.Report(DiagnosticDescriptors.HeadsDoNotDivideWidth, layer, ShapeMath.Describe(input), LayerReader.Text(count), embedding, LayerReader.Text(width));
            return null;
        }
        return [.. input];
    }
}

/// <summary>torch.nn.MultiheadAttention as batch-first self-attention (<c>Dsl.Layers.SelfAttention</c>); embed_dim is inferred.</summary>
internal sealed class MultiheadAttentionLayer : LayerDefinition
{
    public override string Name => "MultiheadAttention";
    public override string FieldPrefix => "attention";
    public override IEnumerable<int> RuleDimensions(int rank) => [rank - 1];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => ["num_heads"];

    public override bool Read(LayerReader r)
    {
        var ok = r.Size("num_heads", 0) & RealArguments.Dropout(r, "dropout", "Dropout", 0);
        r.Bool("bias", "Bias", true);
        return ok;
    }

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        Attention.InferHeads(layer, input, report, "embedding");

    public override string FieldType(LayerSpec layer) => "global::Dsl.Layers.SelfAttention";

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        "new global::Dsl.Layers.SelfAttention(" + shape.Input[1].Code + ", " + layer.Code("num_heads") + ", dropout: " + layer.Code("dropout") +
        ", bias: " + layer.Code("bias") + ")";
}

/// <summary>torch.nn.TransformerEncoderLayer, made batch-first by <c>Dsl.Layers.BatchFirst</c>; d_model is inferred.</summary>
internal sealed class TransformerEncoderLayer : LayerDefinition
{
    // Dsl.Activation's underlying values of the two activations TorchSharp's encoder layer offers (pinned by a test).
    private const int ReLU = 0, GELU = 1;

    // PyTorch's default, which TorchSharp shares.
    private const double DefaultDropout = 0.1;

    public override string Name => "TransformerEncoderLayer";
    public override string FieldPrefix => "encoder";
    public override IReadOnlyCollection<int> Arities => [2, 3];
    public override IEnumerable<int> RuleDimensions(int rank) => [rank - 1];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => ["num_heads"];

    public override bool Read(LayerReader r)
    {
        var ok = r.Size("num_heads", 0) & r.Size("dim_feedforward", 1);
        if (r.ArgumentCount == 3) ok &= r.Real("dropout", r.Positional(2), 0, 1, "dropout");
        else r.Arguments.Add(new LayerArgument("dropout", LayerReader.Format(DefaultDropout), null, LayerReader.Format(DefaultDropout)));
        if (!r.Int("activation", "Activation", ReLU, 0)) return false;
        var activation = r.Arguments[r.Arguments.Count - 1].Constant;
        if (activation is not (ReLU or GELU))
        {
            r.Report(DiagnosticDescriptors.OptionValueNotOffered, "Activation", "ReLU or GELU, the two TorchSharp's TransformerEncoderLayer offers");
            return false;
        }
        var name = activation == GELU ? "GELU" : "ReLU";
        r.Arguments[r.Arguments.Count - 1] = new LayerArgument("activation", TypeNames.Nn + ".Activations." + name, activation, name);
        return ok;
    }

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        Attention.InferHeads(layer, input, report, "d_model");

    public override string FieldType(LayerSpec layer) => "global::Dsl.Layers.BatchFirst";

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        "global::Dsl.Layers.BatchFirst.TransformerEncoderLayer(" + shape.Input[1].Code + ", " + layer.Code("num_heads") + ", " +
        layer.Code("dim_feedforward") + ", dropout: " + layer.Code("dropout") + ", activation: " + layer.Code("activation") + ")";
}
