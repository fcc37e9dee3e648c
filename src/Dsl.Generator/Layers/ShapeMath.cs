using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>Arithmetic over dimensions that may be constants or expressions over hyperparameters.</summary>
internal static class ShapeMath
{
    /// <summary>PyTorch's floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1 for convolutions and pooling.</summary>
    public static Dim SlidingWindow(Dim size, Dim kernel, long stride, long padding, long dilation = 1)
    {
        if (size.Value is { } s && kernel.Value is { } k)
        {
            var numerator = s + 2 * padding - dilation * (k - 1) - 1;
            // Negative numerators floor as in PyTorch, so an input that is too small shows as a size <= 0.
            return Dim.Of((numerator < 0 ? -((-numerator + stride - 1) / stride) : numerator / stride) + 1);
        }
        var kernelCode = dilation == 1 ? kernel.Code : "(" + dilation + "L * (" + kernel.Code + " - 1L) + 1L)";
        var code = "((" + size.Code + " + " + (2 * padding) + "L - " + kernelCode + ") / " + stride + "L + 1L)";
        var display = "(" + size.Display + (padding > 0 ? " + " + 2 * padding : "") + " - " + kernel.Display + ")" + (stride > 1 ? " / " + stride : "") + " + 1";
        return new Dim(null, code, display);
    }

    public static Dim Multiply(Dim left, Dim right)
    {
        if (left.Value is { } a && right.Value is { } b) return Dim.Of(a * b);
        return new Dim(null, left.Code + " * " + right.Code, left.Display + "*" + right.Display);
    }

    public static Dim Add(Dim left, Dim right)
    {
        if (left.Value is { } a && right.Value is { } b) return Dim.Of(a + b);
        return new Dim(null, "(" + left.Code + " + " + right.Code + ")", left.Display + "+" + right.Display);
    }

    public static Dim Product(IEnumerable<Dim> dims) => dims.Aggregate(Dim.Of(1), (a, b) => a.Value == 1 ? b : Multiply(a, b));

    /// <summary>Whether two dimensions are provably equal (same constant, or the same expression).</summary>
    public static bool SameSize(Dim left, Dim right) =>
        left.Value is { } a && right.Value is { } b ? a == b : left.Code == right.Code;

    public static string Describe(IEnumerable<Dim> shape) => "[" + string.Join(", ", shape.Select(d => d.Display)) + "]";
}
