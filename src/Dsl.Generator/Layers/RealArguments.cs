using Dsl.Generator.Diagnostics;
using System;
using System.Globalization;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>Real-valued arguments (eps, momentum, dropout) read through <see cref="LayerReader"/>; constants are then range-checked.</summary>
internal static class RealArguments
{
    /// <summary>
    /// Reads <paramref name="property"/> (or <paramref name="fallback"/>) and reports a constant unless it is finite and
    /// <paramref name="valid"/> accepts it; a nameof member is range-checked at run time by its hyperparameter's range.
    /// </summary>
    public static bool Read(LayerReader r, string name, string property, double fallback, Func<double, bool> valid, string requirement)
    {
        if (!r.NamedReal(name, property, fallback, out var memberFound)) return memberFound;
        var value = Value(r.Arguments[r.Arguments.Count - 1]);
        if (value is { } v && !double.IsNaN(v) && !double.IsInfinity(v) && valid(v)) return true;
        r.Report(DiagnosticDescriptors.ArgumentOutOfRange, property, requirement, Describe(value));
        return false;
    }

    /// <summary>The same for an interval, which a member's hyperparameter range is then checked against.</summary>
    public static bool Read(LayerReader r, string name, string property, double fallback, RealBounds bounds)
    {
        if (!r.NamedReal(name, property, fallback, out var memberFound))
            return memberFound && r.Require(bounds with { Requirement = property + " must be " + bounds.Requirement });
        return Read(r, name, property, fallback, bounds.Contains, bounds.Requirement);
    }

    /// <summary>A named dropout probability in [0, 1).</summary>
    public static bool Dropout(LayerReader r, string name, string property, double fallback) =>
        Read(r, name, property, fallback, new RealBounds(0, true, 1, false, "in [0, 1)"));

    /// <summary>The value of a constant real argument as written by <see cref="LayerReader.Format"/>, which appends ".0" even to NaN.</summary>
    public static double? Value(LayerArgument argument)
    {
        var code = argument.Code;
        if (double.TryParse(code, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        if (code.StartsWith("NaN", StringComparison.Ordinal)) return double.NaN;
        if (code.StartsWith("Infinity", StringComparison.Ordinal)) return double.PositiveInfinity;
        if (code.StartsWith("-Infinity", StringComparison.Ordinal)) return double.NegativeInfinity;
        return null;
    }

    private static string Describe(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "not a number";
}
