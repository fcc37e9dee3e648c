using System.Collections.Generic;
using Dsl.Generator.Helpers;

namespace Dsl.Generator.Model;

/// <summary>One layer attribute, in application order, with its arguments resolved to constants or member reads.</summary>
internal sealed record LayerSpec(string Kind, string FieldName, EquatableArray<LayerArgument> Arguments, LocationInfo? Location)
{
    /// <summary>The C# expression of a required argument.</summary>
    public string Code(string name) => Find(name)!.Code;

    /// <summary>A required size argument as a dimension: its constant, or the generated expression of its member.</summary>
    public Dim Dim(string name) => Model.Dim.From(Find(name)!);

    /// <summary>The value of a required constant argument.</summary>
    public long Constant(string name) => Find(name)!.Constant!.Value;

    public IEnumerable<LayerArgument> All(string name)
    {
        foreach (var argument in Arguments)
            if (argument.Name == name) yield return argument;
    }

    public LayerArgument? Find(string name)
    {
        foreach (var argument in Arguments)
            if (argument.Name == name) return argument;
        return null;
    }
}

/// <summary>
/// A layer argument. <see cref="Code"/> is the C# expression that yields it in the module's constructor;
/// <see cref="Constant"/> holds its integer value when it is known at compile time.
/// </summary>
internal sealed record LayerArgument(string Name, string Code, long? Constant, string Display)
{
    /// <summary>The least value an integer argument read from a member may take (Read checks constants itself).</summary>
    public long? Minimum { get; init; }

    /// <summary>The values a real argument read from a member may take (Read checks constants itself).</summary>
    public RealBounds? Bounds { get; init; }

    public static LayerArgument Of(string name, long value) =>
        new(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L", value, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>One dimension of an inferred shape: a constant, or an expression over hyperparameters.</summary>
/// <param name="Value">The size when it is known at compile time.</param>
/// <param name="Code">A C# expression of type long that computes the size in the module's constructor.</param>
/// <param name="Display">The size as a user reads it in a diagnostic.</param>
internal sealed record Dim(long? Value, string Code, string Display)
{
    public static Dim Of(long value)
    {
        var text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Dim(value, text + "L", text);
    }

    public static Dim From(LayerArgument argument) =>
        argument.Constant is { } value ? Of(value) : new Dim(null, "(long)" + argument.Code, argument.Display);

    public override string ToString() => Display;
}

/// <summary>The shapes (without the batch dimension) that flow into and out of one layer.</summary>
/// <remarks>For a fusion, <see cref="Input"/> holds the branch widths and <see cref="Width"/> the common width.</remarks>
internal sealed record LayerShape(EquatableArray<Dim> Input, EquatableArray<Dim> Output, Dim? Width = null);

/// <summary>An interval of valid real values, each end open or closed, and how a message states it.</summary>
internal sealed record RealBounds(double Min, bool MinInclusive, double Max, bool MaxInclusive, string Requirement)
{
    public bool Contains(double value) =>
        !double.IsNaN(value) && (MinInclusive ? value >= Min : value > Min) && (MaxInclusive ? value <= Max : value < Max);
}
