using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>torch.nn.Conv1d over [C, L]; in_channels is inferred.</summary>
internal sealed class Conv1dLayer : LayerDefinition
{
    public override string Name => "Conv1d";
    public override string FieldPrefix => "conv";
    public override IReadOnlyCollection<int> Arities => [2];
    public override IEnumerable<int> RuleDimensions(int rank) => Enumerable.Range(1, rank - 1);
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => ConvolutionArguments.RuleArguments;

    public override bool Read(LayerReader r) => ConvolutionArguments.Read(r);

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report)
    {
        if (!report.RequireRank(layer, input, 2, Pooling.Signal)) return null;
        var kernel = layer.Dim("kernel_size");
        var length = ShapeMath.SlidingWindow(input[1], kernel, layer.Dim("stride"), layer.Dim("padding"), layer.Dim("dilation"));
        return Pooling.Fits(layer, input, [length], "kernel " + kernel.Display, report) ? [Dim.From(layer.Find("out_channels")!), length] : null;
    }

    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.Conv1d";

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        TypeNames.Nn + ".Conv1d(" + shape.Input[0].Code + ", " + layer.Code("out_channels") + ", " + layer.Code("kernel_size") +
        ", stride: " + layer.Code("stride") + ", padding: " + layer.Code("padding") + ", dilation: " + layer.Code("dilation") +
        ", bias: " + layer.Code("bias") + ")";
}

/// <summary>Reads the arguments every ConvolutionAttribute shares (out_channels, kernel_size, stride, padding, dilation, bias).</summary>
internal static class ConvolutionArguments
{
    /// <summary>The arguments a convolution's output size depends on; out_channels only names a size.</summary>
    public static readonly IReadOnlyCollection<string> RuleArguments = ["kernel_size", "stride", "padding", "dilation"];

    public static bool Read(LayerReader r)
    {
        var ok = r.Size("out_channels", 0) & r.Size("kernel_size", 1) & r.Count("stride", "Stride", 1, 1)
                 & r.Count("padding", "Padding", 0, 0) & r.Count("dilation", "Dilation", 1, 1);
        r.Bool("bias", "Bias", true);
        return ok;
    }
}
