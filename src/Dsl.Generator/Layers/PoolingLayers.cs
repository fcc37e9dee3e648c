using System.Collections.Generic;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>torch.nn.AvgPool2d over [C, H, W]; reads and checks its window like MaxPool2d.</summary>
internal sealed class AvgPool2dLayer : WindowPoolingLayer
{
    public override string Name => "AvgPool2d";
}

/// <summary>torch.nn.AdaptiveAvgPool2d: any [C, H, W] becomes [C, height, width].</summary>
internal sealed class AdaptiveAvgPool2dLayer : LayerDefinition
{
    public override string Name => "AdaptiveAvgPool2d";

    // torchvision's name for it (AlexNet, ResNet), so state_dict keys look familiar.
    public override string FieldPrefix => "avgpool";
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
        report.RequireRank(layer, input, 3, "[channels, height, width]")
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
