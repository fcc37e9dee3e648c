using System.Collections.Generic;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>Shared reading of normalization options; each layer infers the normalized size from its input.</summary>
internal abstract class NormalizationLayer : LayerDefinition
{
    public override IReadOnlyCollection<int> Arities => [0];
    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => [];

    protected virtual bool HasMomentum => true;

    public override bool Read(LayerReader r)
    {
        var ok = RealArguments.Read(r, "eps", "Eps", 1e-5, new RealBounds(0, false, double.PositiveInfinity, false, "positive"));
        if (HasMomentum) ok &= RealArguments.Read(r, "momentum", "Momentum", 0.1, new RealBounds(0, true, 1, true, "in [0, 1]"));
        r.Bool("affine", "Affine", true);
        return ok;
    }

    /// <summary>The dimension that is normalized, or null after reporting a mismatch.</summary>
    protected abstract Dim? Normalized(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report);

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        Normalized(layer, input, report) is null ? null : [.. input];

    protected string BatchNorm(LayerSpec layer, LayerShape shape) =>
        TypeNames.Nn + "." + Name + "(" + shape.Input[0].Code + ", eps: " + layer.Code("eps") + ", momentum: " + layer.Code("momentum") +
        ", affine: " + layer.Code("affine") + ")";
}

/// <summary>torch.nn.BatchNorm1d over [F] or [C, L]; num_features is inferred.</summary>
internal sealed class BatchNorm1dLayer : NormalizationLayer
{
    public override string Name => "BatchNorm1d";
    public override string FieldPrefix => "bn";
    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.BatchNorm1d";
    public override string Factory(LayerSpec layer, LayerShape shape) => BatchNorm(layer, shape);

    protected override Dim? Normalized(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report)
    {
        if (input.Count is 1 or 2) return input[0];
        report.WrongRank(layer, input, "[features] or [channels, length]");
        return null;
    }
}

/// <summary>torch.nn.BatchNorm2d over [C, H, W]; num_features is inferred.</summary>
internal sealed class BatchNorm2dLayer : NormalizationLayer
{
    public override string Name => "BatchNorm2d";
    public override string FieldPrefix => "bn";
    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.BatchNorm2d";
    public override string Factory(LayerSpec layer, LayerShape shape) => BatchNorm(layer, shape);

    protected override Dim? Normalized(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        report.RequireRank(layer, input, 3, "[channels, height, width]") ? input[0] : null;
}

/// <summary>torch.nn.LayerNorm over the last dimension, whose size is inferred.</summary>
internal sealed class LayerNormLayer : NormalizationLayer
{
    public override string Name => "LayerNorm";
    public override string FieldPrefix => "norm";
    protected override bool HasMomentum => false;
    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.LayerNorm";

    // Without Affine it keeps no statistics either; a BatchNorm without Affine still keeps its running statistics.
    public override bool HoldsState(LayerSpec layer) => layer.Code("affine") == "true";

    protected override Dim? Normalized(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report)
    {
        if (input.Count > 0) return input[input.Count - 1];
        report.WrongRank(layer, input, "[..., features]");
        return null;
    }

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        TypeNames.Nn + ".LayerNorm(" + shape.Input[shape.Input.Count - 1].Code + ", eps: " + layer.Code("eps") +
        ", elementwise_affine: " + layer.Code("affine") + ")";
}
