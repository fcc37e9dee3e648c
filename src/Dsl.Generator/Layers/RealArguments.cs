using System;
using System.Globalization;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>Named real-valued constants (eps, momentum, dropout) read through <see cref="LayerReader.NamedReal"/> and then range-checked.</summary>
internal static class RealArguments
{
    /// <summary>Reads <paramref name="property"/> (or <paramref name="fallback"/>) and reports it unless <paramref name="valid"/> accepts it.</summary>
    public static bool Read(LayerReader r, string name, string property, double fallback, Func<double, bool> valid, string requirement)
    {
        r.NamedReal(name, property, fallback);
        var value = Value(r.Arguments[r.Arguments.Count - 1]);
        if (valid(value)) return true;
        r.Fail(property + " must be " + requirement + ", but is " + value.ToString("R", CultureInfo.InvariantCulture));
        return false;
    }

    /// <summary>A named dropout probability in [0, 1).</summary>
    public static bool Dropout(LayerReader r, string name, string property, double fallback) =>
        Read(r, name, property, fallback, p => p >= 0 && p < 1, "in [0, 1)");

    /// <summary>The value of a constant real argument, as written by <see cref="LayerReader.Format"/>.</summary>
    public static double Value(LayerArgument argument) => double.Parse(argument.Code, NumberStyles.Float, CultureInfo.InvariantCulture);
}
