using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;

namespace Dsl.Generator;

/// <summary>
/// Infers the shape after every layer from the model's input shape and reports every mismatch it can prove.
/// Sizes that depend on hyperparameters become C# arithmetic evaluated in the module's constructor.
/// </summary>
internal static class ShapeChecker
{
    public static CheckedModel Check(ModelSpec model, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var shapes = new List<LayerShape>();
        if (model.InputShape.IsEmpty || model.Forward is null)
            return new CheckedModel(model, EquatableArray<LayerShape>.Empty, EquatableArray<DiagnosticInfo>.Empty);

        var current = model.InputShape.Select(d => Dim.Of(d)).ToList();
        foreach (var layer in model.Layers)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = Infer(layer, current, diagnostics);
            if (output is null) break;
            shapes.Add(new LayerShape(current.ToEquatableArray(), output.ToEquatableArray()));
            current = output;
        }

        if (diagnostics.Count == 0 && model.Outputs > 0)
        {
            var last = current.Count == 1 ? current[0] : null;
            if (last is null || (last.Value is { } width && width != model.Outputs))
            {
                var location = model.Layers.Count > 0 ? model.Layers[model.Layers.Count - 1].Location : model.Forward.Location;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputsMismatch, location, model.ClassName,
                    model.Outputs.ToString(System.Globalization.CultureInfo.InvariantCulture), Describe(current)));
            }
        }
        return new CheckedModel(model, shapes.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static List<Dim>? Infer(LayerSpec layer, List<Dim> input, List<DiagnosticInfo> diagnostics)
    {
        switch (layer.Kind)
        {
            case LayerKind.Linear:
                return [.. input.Take(input.Count - 1), Dim.From(layer.Find("out_features")!)];

            case LayerKind.Conv2d:
            {
                if (!RequireImage(layer, input, diagnostics)) return null;
                var kernel = Dim.From(layer.Find("kernel_size")!);
                var stride = layer.Find("stride")!.Constant!.Value;
                var padding = layer.Find("padding")!.Constant!.Value;
                var height = SlidingWindow(input[1], kernel, stride, padding);
                var width = SlidingWindow(input[2], kernel, stride, padding);
                if (!FitsWindow(layer, input, height, width, "kernel " + kernel.Display, diagnostics)) return null;
                return [Dim.From(layer.Find("out_channels")!), height, width];
            }

            case LayerKind.MaxPool2d:
            {
                if (!RequireImage(layer, input, diagnostics)) return null;
                var kernel = Dim.From(layer.Find("kernel_size")!);
                var stride = layer.Find("stride")!.Constant!.Value;
                var padding = layer.Find("padding")!.Constant!.Value;
                var height = SlidingWindow(input[1], kernel, stride, padding);
                var width = SlidingWindow(input[2], kernel, stride, padding);
                if (!FitsWindow(layer, input, height, width, "window " + kernel.Display, diagnostics)) return null;
                return [input[0], height, width];
            }

            case LayerKind.Flatten:
                return [input.Aggregate(Multiply)];

            default:
                return input;
        }
    }

    private static bool RequireImage(LayerSpec layer, List<Dim> input, List<DiagnosticInfo> diagnostics)
    {
        if (input.Count == 3) return true;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeMismatch, layer.Location, layer.Kind.ToString(),
            "expects a [channels, height, width] input but receives " + Describe(input)));
        return false;
    }

    private static bool FitsWindow(LayerSpec layer, List<Dim> input, Dim height, Dim width, string what, List<DiagnosticInfo> diagnostics)
    {
        if (height.Value is not <= 0 && width.Value is not <= 0) return true;
        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ShapeMismatch, layer.Location, layer.Kind.ToString(),
            "with " + what + " does not fit its " + Describe(input) + " input: the output would be " + height.Display + "x" + width.Display));
        return false;
    }

    /// <summary>PyTorch's floor((size + 2·padding − kernel) / stride) + 1 for convolutions and pooling.</summary>
    private static Dim SlidingWindow(Dim size, Dim kernel, long stride, long padding)
    {
        if (size.Value is { } s && kernel.Value is { } k)
        {
            var numerator = s + 2 * padding - k;
            // Negative numerators must floor, as PyTorch does, so that a too-small input shows as a size <= 0.
            return Dim.Of((numerator < 0 ? -((-numerator + stride - 1) / stride) : numerator / stride) + 1);
        }
        var code = "((" + size.Code + " + " + (2 * padding) + "L - " + kernel.Code + ") / " + stride + "L + 1L)";
        var display = "(" + size.Display + (padding > 0 ? " + " + 2 * padding : "") + " - " + kernel.Display + ")" + (stride > 1 ? " / " + stride : "") + " + 1";
        return new Dim(null, code, display);
    }

    private static Dim Multiply(Dim left, Dim right)
    {
        if (left.Value is { } a && right.Value is { } b) return Dim.Of(a * b);
        return new Dim(null, left.Code + " * " + right.Code, left.Display + "*" + right.Display);
    }

    public static string Describe(IEnumerable<Dim> shape) => "[" + string.Join(", ", shape.Select(d => d.Display)) + "]";
}
