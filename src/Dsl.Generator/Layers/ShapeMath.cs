using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>Arithmetic over dimensions that may be constants or expressions over hyperparameters.</summary>
internal static class ShapeMath
{
    /// <summary>PyTorch's floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1 for convolutions and pooling.</summary>
    /// <remarks>Any of the five may be an expression over hyperparameters; the result is then generated arithmetic.</remarks>
    public static Dim SlidingWindow(Dim size, Dim kernel, Dim stride, Dim padding, Dim dilation)
    {
        if (size.Value is { } s && kernel.Value is { } k && stride.Value is { } st && padding.Value is { } p && dilation.Value is { } d)
        {
            var numerator = s + 2 * p - d * (k - 1) - 1;
            // Negative numerators floor as in PyTorch, so an input that is too small shows as a size <= 0.
            return Dim.Of((numerator < 0 ? -((-numerator + st - 1) / st) : numerator / st) + 1);
        }
        // A "same" window (stride 1, padding that makes up for the kernel) keeps any size, so the size stays provably equal.
        if (kernel.Value is { } k1 && stride.Value == 1 && padding.Value is { } p1 && dilation.Value is { } d1 && 2 * p1 == d1 * (k1 - 1))
            return size;
        var kernelCode = dilation.Value == 1 ? kernel.Code : "(" + dilation.Code + " * (" + kernel.Code + " - 1L) + 1L)";
        var paddingCode = padding.Value is { } constantPadding ? Dim.Of(2 * constantPadding).Code : "2L * " + padding.Code;
        var code = "((" + size.Code + " + " + paddingCode + " - " + kernelCode + ") / " + stride.Code + " + 1L)";
        var paddingDisplay = padding.Value switch { 0 => "", { } constant => " + " + 2 * constant, null => " + 2*" + padding.Display };
        var strideDisplay = stride.Value == 1 ? "" : " / " + stride.Display;
        var display = "(" + size.Display + paddingDisplay + " - " + kernel.Display + ")" + strideDisplay + " + 1";
        return new Dim(null, code, display);
    }

    /// <summary>The same with constant stride, padding and dilation.</summary>
    public static Dim SlidingWindow(Dim size, Dim kernel, long stride, long padding, long dilation = 1) =>
        SlidingWindow(size, kernel, Dim.Of(stride), Dim.Of(padding), Dim.Of(dilation));

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
