using Dsl.Generator.Diagnostics;
using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>torch.nn.Linear over the last dimension; in_features is inferred.</summary>
internal sealed class LinearLayer : LayerDefinition
{
    public override string Name => "Linear";
    public override string FieldPrefix => "fc";
    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => [];

    public override bool Read(LayerReader r)
    {
        var ok = r.Size("out_features", 0);
        r.Bool("bias", "Bias", true);
        return ok;
    }

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        [.. input.Take(input.Count - 1), Dim.From(layer.Find("out_features")!)];

    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.Linear";

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        TypeNames.Nn + ".Linear(" + shape.Input[shape.Input.Count - 1].Code + ", " + layer.Code("out_features") + ", hasBias: " + layer.Code("bias") + ")";
}

/// <summary>torch.nn.Conv2d over [C, H, W]; in_channels is inferred.</summary>
internal sealed class Conv2dLayer : LayerDefinition
{
    public override string Name => "Conv2d";
    public override string FieldPrefix => "conv";
    public override IReadOnlyCollection<int> Arities => [2];
    public override IEnumerable<int> RuleDimensions(int rank) => Enumerable.Range(1, rank - 1);
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => ConvolutionArguments.RuleArguments;

    public override bool Read(LayerReader r) => ConvolutionArguments.Read(r);

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report)
    {
        if (!report.RequireRank(layer, input, 3, Pooling.Planes)) return null;
        var kernel = layer.Dim("kernel_size");
        var (stride, padding, dilation) = (layer.Dim("stride"), layer.Dim("padding"), layer.Dim("dilation"));
        var height = ShapeMath.SlidingWindow(input[1], kernel, stride, padding, dilation);
        var width = ShapeMath.SlidingWindow(input[2], kernel, stride, padding, dilation);
        return Pooling.Fits(layer, input, [height, width], "kernel " + kernel.Display, report)
            ? [Dim.From(layer.Find("out_channels")!), height, width]
            : null;
    }

    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.Conv2d";

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        TypeNames.Nn + ".Conv2d(" + shape.Input[0].Code + ", " + layer.Code("out_channels") + ", " + layer.Code("kernel_size") +
        ", stride: " + layer.Code("stride") + ", padding: " + layer.Code("padding") + ", dilation: " + layer.Code("dilation") +
        ", bias: " + layer.Code("bias") + ")";
}

/// <summary>Shared checks of sliding-window layers.</summary>
internal static class Pooling
{
    /// <summary>The input layouts of 1-D and 2-D convolution and pooling, as diagnostics name them.</summary>
    public const string Signal = "[channels, length]", Planes = "[channels, height, width]";

    /// <summary>Whether every output size is positive; reports the layer otherwise.</summary>
    public static bool Fits(LayerSpec layer, IReadOnlyList<Dim> input, IReadOnlyList<Dim> sizes, string what, ShapeReporter report)
    {
        if (sizes.All(size => size.Value is not <= 0)) return true;
        report.Report(DiagnosticDescriptors.WindowDoesNotFit, layer, what, ShapeMath.Describe(input), string.Join("x", sizes.Select(d => d.Display)));
        return false;
    }

    public static bool ReadWindow(LayerReader r)
    {
        if (!r.Size("kernel_size", 0)) return false;
        var kernel = r.Arguments[r.Arguments.Count - 1];
        // Without a Stride the window steps by its own size, constant or not.
        var ok = r.HasNamed("Stride") ? r.Count("stride", "Stride", 1, 1) : r.Copy(kernel, "stride");
        ok &= r.Count("padding", "Padding", 0, 0);
        if (ok && PaddingProblem(kernel.Constant, r.Arguments.Last().Constant) is { } problem)
        {
            r.Report(problem.Descriptor, problem.Arguments);
            return false;
        }
        return ok;
    }

    /// <summary>PyTorch pads a pooling window by at most half its size.</summary>
    public static RuleViolation? PaddingProblem(long? kernel, long? padding) =>
        kernel is { } size && padding is { } pad && pad * 2 > size
            ? new RuleViolation(DiagnosticDescriptors.PaddingOverHalfWindow, [LayerReader.Text(pad), LayerReader.Text(size)])
            : null;

    /// <summary>[C, spatial...] pooled by the same window, stride and padding along each of the <paramref name="spatial"/> dimensions.</summary>
    public static List<Dim>? InferWindow(LayerSpec layer, IReadOnlyList<Dim> input, int spatial, ShapeReporter report)
    {
        if (!report.RequireRank(layer, input, spatial + 1, spatial == 1 ? Signal : Planes)) return null;
        var kernel = layer.Dim("kernel_size");
        var (stride, padding, dilation) = (layer.Dim("stride"), layer.Dim("padding"), Dim.Of(1));
        var sizes = input.Skip(1).Select(size => ShapeMath.SlidingWindow(size, kernel, stride, padding, dilation)).ToList();
        return Fits(layer, input, sizes, "window " + kernel.Display, report) ? [input[0], .. sizes] : null;
    }
}

/// <summary>
/// torch.nn.&lt;Name&gt; (MaxPool1d, AvgPool2d, ...): pooling over [C, L] or [C, H, W] with one window size for every
/// spatial dimension, a stride and a padding.
/// </summary>
/// <param name="name">The attribute's name, which is also TorchSharp's.</param>
/// <param name="spatialDimensions">1 for [C, L] signals, 2 for [C, H, W] planes.</param>
internal sealed class WindowPoolingLayer(string name, int spatialDimensions) : LayerDefinition
{
    public override string Name => name;
    public override string FieldPrefix => "pool";
    public override bool HoldsState(LayerSpec layer) => false;
    public override bool Read(LayerReader r) => Pooling.ReadWindow(r);
    public override IEnumerable<int> RuleDimensions(int rank) => Enumerable.Range(1, rank - 1);
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => ["kernel_size", "stride", "padding"];
    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) => Pooling.InferWindow(layer, input, spatialDimensions, report);
    public override RuleViolation? ArgumentViolation(LayerSpec layer) => Pooling.PaddingProblem(layer.Find("kernel_size")?.Constant, layer.Find("padding")?.Constant);
    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules." + Name;

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        TypeNames.Nn + "." + Name + "(" + layer.Code("kernel_size") + ", stride: " + layer.Code("stride") + ", padding: " + layer.Code("padding") + ")";
}

/// <summary>torch.nn.Flatten: every dimension after the batch becomes one.</summary>
internal sealed class FlattenLayer : LayerDefinition
{
    public const string KindName = "Flatten";
    public override string Name => KindName;
    public override string FieldPrefix => "flatten";
    public override bool HoldsState(LayerSpec layer) => false;
    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => [];
    public override IReadOnlyCollection<int> Arities => [0];
    public override bool Read(LayerReader r) => true;
    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) => [ShapeMath.Product(input)];
    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.Flatten";
    public override string Factory(LayerSpec layer, LayerShape shape) => TypeNames.Nn + ".Flatten()";
}

/// <summary>torch.nn.Dropout with a constant or hyperparameter probability.</summary>
internal sealed class DropoutLayer : LayerDefinition
{
    public override string Name => "Dropout";
    public override string FieldPrefix => "dropout";
    public override bool HoldsState(LayerSpec layer) => false;
    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => [];
    public override bool Read(LayerReader r) => r.Real("p", r.Positional(0), 0, 1, "probability");
    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) => [.. input];
    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.Dropout";
    public override string Factory(LayerSpec layer, LayerShape shape) => TypeNames.Nn + ".Dropout(" + layer.Code("p") + ")";
}

/// <summary>An activation: a fixed <c>Activation</c> or one chosen by a hyperparameter.</summary>
internal sealed class ActivateLayer : LayerDefinition
{
    public override string Name => "Activate";
    public override string FieldPrefix => "act";
    public override bool HoldsState(LayerSpec layer) => false;
    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => [];
    public override bool Read(LayerReader r) => r.EnumValue("activation", r.Positional(0), TypeNames.ActivationEnum);
    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) => [.. input];
    public override string Factory(LayerSpec layer, LayerShape shape) => "global::Dsl.Layers.Activations.Create(" + layer.Code("activation") + ")";
}
