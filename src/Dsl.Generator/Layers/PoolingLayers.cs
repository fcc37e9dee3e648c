using Dsl.Generator.Diagnostics;
using System.Collections.Generic;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>torch.nn.AdaptiveAvgPool1d: any [C, L] becomes [C, output_size].</summary>
internal sealed class AdaptiveAvgPool1dLayer : LayerDefinition
{
    public override string Name => "AdaptiveAvgPool1d";
    public override string FieldPrefix => "avgpool";
    public override bool HoldsState(LayerSpec layer) => false;
    public override bool Read(LayerReader r) => r.Size("output_size", 0);

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        report.RequireRank(layer, input, 2, Pooling.Signal) ? [input[0], layer.Dim("output_size")] : null;

    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.AdaptiveAvgPool1d";
    public override string Factory(LayerSpec layer, LayerShape shape) => TypeNames.Nn + ".AdaptiveAvgPool1d(" + layer.Code("output_size") + ")";
}

/// <summary>Mean or max over the steps of a [L, F] sequence, giving [F]: <c>Dsl.Layers.SequencePool</c>.</summary>
internal sealed class PoolSequenceLayer : LayerDefinition
{
    public override string Name => "PoolSequence";
    public override string FieldPrefix => "pool";
    public override bool HoldsState(LayerSpec layer) => false;
    public override bool Read(LayerReader r) => r.EnumValue("pooling", r.Positional(0), TypeNames.SequencePoolingEnum);

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report)
    {
        if (input.Count == 1)
        {
            // The usual slip: a recurrent layer left at its default Return = Sequence.Last has already reduced the steps.
            report.Report(DiagnosticDescriptors.SequencePoolingWithoutSteps, layer, ShapeMath.Describe(input));
            return null;
        }
        return report.RequireRank(layer, input, 2, "[length, features]") ? [input[1]] : null;
    }

    public override string FieldType(LayerSpec layer) => "global::Dsl.Layers.SequencePool";
    public override string Factory(LayerSpec layer, LayerShape shape) => "new global::Dsl.Layers.SequencePool(" + layer.Code("pooling") + ")";
}

/// <summary>torch.nn.AdaptiveAvgPool2d: any [C, H, W] becomes [C, height, width].</summary>
internal sealed class AdaptiveAvgPool2dLayer : LayerDefinition
{
    public override string Name => "AdaptiveAvgPool2d";

    // torchvision's name for it (AlexNet, ResNet), so state_dict keys look familiar.
    public override string FieldPrefix => "avgpool";
    public override bool HoldsState(LayerSpec layer) => false;
    public override IReadOnlyCollection<int> Arities => [1, 2];
    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => [];

    public override bool Read(LayerReader r)
    {
        if (r.ArgumentCount == 2) return r.Size("height", 0) & r.Size("width", 1);
        // One size serves both sides; reading it twice would report a bad argument twice.
        if (!r.Size("height", 0)) return false;
        r.Arguments.Add(r.Arguments[r.Arguments.Count - 1] with { Name = "width" });
        return true;
    }

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        report.RequireRank(layer, input, 3, Pooling.Planes)
            ? [input[0], Dim.From(layer.Find("height")!), Dim.From(layer.Find("width")!)]
            : null;

    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.AdaptiveAvgPool2d";

    public override string Factory(LayerSpec layer, LayerShape shape)
    {
        var (height, width) = (Dim.From(layer.Find("height")!), Dim.From(layer.Find("width")!));
        return TypeNames.Nn + ".AdaptiveAvgPool2d(" +
               (height.Code == width.Code ? height.Code : "new long[] { " + height.Code + ", " + width.Code + " }") + ")";
    }
}
