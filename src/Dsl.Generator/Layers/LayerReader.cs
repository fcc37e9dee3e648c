using Dsl.Generator.Diagnostics;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Layers;

/// <summary>
/// Reads one layer attribute's arguments into <see cref="LayerArgument"/>s. Each reader method reports a located
/// diagnostic and returns false on misuse, so layer definitions stay declarative.
/// </summary>
internal sealed class LayerReader(
    string layerName,
    AttributeData attribute,
    INamedTypeSymbol model,
    LocationInfo? location,
    List<DiagnosticInfo> diagnostics)
{
    public List<LayerArgument> Arguments { get; } = new();

    public int ArgumentCount => attribute.ConstructorArguments.Length;

    public TypedConstant Positional(int index) => attribute.ConstructorArguments[index];

    /// <summary>Reports <paramref name="descriptor"/> at the attribute; the layer's name is the message's first argument.</summary>
    public void Report(DiagnosticDescriptor descriptor, params string[] arguments) =>
        ReportUnprefixed(descriptor, [layerName, .. arguments]);

    /// <summary>Reports <paramref name="descriptor"/> at the attribute with exactly <paramref name="arguments"/>.</summary>
    public void ReportUnprefixed(DiagnosticDescriptor descriptor, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    private bool OutOfRange(string name, string requirement, string value)
    {
        Report(DiagnosticDescriptors.ArgumentOutOfRange, name, requirement, value);
        return false;
    }

    private bool WrongKind(string name, string expected, string value)
    {
        Report(DiagnosticDescriptors.ArgumentOfWrongKind, name, expected, value);
        return false;
    }

    /// <summary>A positive size: an int constant or nameof(an int member).</summary>
    public bool Size(string name, int index) => Size(name, Positional(index));

    public bool Size(string name, TypedConstant constant)
    {
        switch (constant.Value)
        {
            case int value when value > 0:
                Arguments.Add(LayerArgument.Of(name, value));
                return true;
            case int value:
                return OutOfRange(name, "positive", Text(value));
            case string member:
                return Member(name, member, "an int size", t => t.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64) && Require(1);
            default:
                return WrongKind(name, "an int constant or nameof(an int member)", Display(constant));
        }
    }

    /// <summary>An optional named size (int constant or nameof), absent when not given.</summary>
    public bool OptionalSize(string name, string property) =>
        attribute.NamedArguments.FirstOrDefault(n => n.Key == property) is { Key: not null } named ? Size(name, named.Value) : true;

    /// <summary>A named int constant with a default and a lower bound.</summary>
    public bool Int(string name, string property, int fallback, int minimum)
    {
        var value = attribute.NamedArguments.FirstOrDefault(n => n.Key == property).Value.Value is int i ? i : fallback;
        return Constant(name, value, minimum);
    }

    /// <summary>Whether the attribute sets the named property.</summary>
    public bool HasNamed(string property) => attribute.NamedArguments.Any(n => n.Key == property);

    /// <summary>
    /// A named count such as a stride or padding: an int constant of at least <paramref name="minimum"/>,
    /// <paramref name="fallback"/> when absent, or nameof(an int member).
    /// </summary>
    public bool Count(string name, string property, long fallback, long minimum)
    {
        var raw = attribute.NamedArguments.FirstOrDefault(n => n.Key == property).Value.Value;
        return raw switch
        {
            null => Constant(name, fallback, minimum),
            int value => Constant(name, value, minimum),
            string member => Member(name, member, "an int " + property, t => t.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64) && Require(minimum),
            _ => WrongKind(property, "an int constant or nameof(an int member)", Convert.ToString(raw, CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Repeats an argument already read under another name.</summary>
    public bool Copy(LayerArgument argument, string name)
    {
        Arguments.Add(argument with { Name = name });
        return true;
    }

    /// <summary>A positional int constant with a lower bound.</summary>
    public bool Int(string name, int index, int minimum) =>
        Positional(index).Value is int value ? Constant(name, value, minimum) : WrongKind(name, "an int constant", Display(Positional(index)));

    public bool Constant(string name, long value, long minimum)
    {
        if (value < minimum)
            return OutOfRange(name, minimum == 0 ? "zero or more" : "at least " + Text(minimum), Text(value));
        Arguments.Add(LayerArgument.Of(name, value));
        return true;
    }

    public void Bool(string name, string property, bool fallback)
    {
        var value = attribute.NamedArguments.FirstOrDefault(n => n.Key == property).Value.Value is bool b ? b : fallback;
        Arguments.Add(new LayerArgument(name, value ? "true" : "false", value ? 1 : 0, value ? "true" : "false"));
    }

    /// <summary>A real in [minimum, maximum): a constant or nameof(a double member).</summary>
    public bool Real(string name, TypedConstant constant, double minimum, double maximum, string what)
    {
        if (constant.Value is string member)
            return Member(name, member, "a double " + what, t => t.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
                   && Require(new RealBounds(minimum, true, maximum, false, what + " must be in [" + Format(minimum) + ", " + Format(maximum) + ")"));
        var value = constant.Value switch { int i => i, double d => d, float f => f, _ => (double?)null };
        if (value is not { } number)
            return WrongKind(what, "a number or nameof(a double member)", Display(constant));
        if (double.IsNaN(number) || double.IsInfinity(number) || number < minimum || number >= maximum)
            return OutOfRange(what, "in [" + minimum.ToString("R", CultureInfo.InvariantCulture) + ", " + maximum.ToString("R", CultureInfo.InvariantCulture) + ")", Display(constant));
        Arguments.Add(new LayerArgument(name, Format(value.Value), null, Format(value.Value)));
        return true;
    }

    /// <summary>
    /// A named real: a constant, <paramref name="fallback"/> when absent, or nameof(a double member). Returns whether it
    /// is a constant (which the caller range-checks); a member is checked here and reported when unknown or mistyped.
    /// </summary>
    public bool NamedReal(string name, string property, double fallback, out bool valid)
    {
        var raw = attribute.NamedArguments.FirstOrDefault(n => n.Key == property).Value.Value;
        if (raw is string member)
        {
            valid = Member(name, member, "a double " + property, t => t.SpecialType is SpecialType.System_Double or SpecialType.System_Single);
            return false;
        }
        if (raw is not (null or int or long or double or float))
        {
            valid = WrongKind(property, "a number or nameof(a double member)", Convert.ToString(raw, CultureInfo.InvariantCulture));
            return false;
        }
        valid = true;
        var value = raw switch { int i => i, long l => l, double d => d, float f => f, _ => fallback };
        Arguments.Add(new LayerArgument(name, Format(value), null, Format(value)));
        return true;
    }

    /// <summary>An enum value of <paramref name="enumType"/>, or nameof(a member of that type).</summary>
    public bool EnumValue(string name, TypedConstant constant, string enumType)
    {
        if (constant.Value is string member)
            return Member(name, member, "a " + enumType.Substring(enumType.LastIndexOf('.') + 1), t => t.ToDisplayString() == enumType);
        if (constant.Kind == TypedConstantKind.Enum && constant.Type?.ToDisplayString() == enumType)
        {
            var field = constant.Type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, constant.Value));
            if (field is null)
            {
                Report(DiagnosticDescriptors.OptionValueNotOffered, name, "a named member of " + constant.Type.Name);
                return false;
            }
            Arguments.Add(new LayerArgument(name, "global::" + enumType + "." + field.Name, null, field.Name));
            return true;
        }
        var shortName = enumType.Substring(enumType.LastIndexOf('.') + 1);
        return WrongKind(name, "a value of " + shortName + " or nameof(a member of that type)", Display(constant));
    }

    private bool Member(string name, string memberName, string expected, Func<ITypeSymbol, bool> accepts)
    {
        var member = model.GetMembers(memberName).FirstOrDefault(m => m is IPropertySymbol or IFieldSymbol);
        if (member is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownMember, location, memberName, model.Name));
            return false;
        }
        var memberType = member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type;
        if (!accepts(memberType))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WrongMemberType, location, layerName + " " + name, expected, memberName, memberType.ToDisplayString()));
            return false;
        }
        Arguments.Add(new LayerArgument(name, (member.IsStatic ? "" : "this.") + memberName, null, memberName));
        return true;
    }

    /// <summary>A whole number as messages show it.</summary>
    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Records the least value the member just read may take, so every value of its hyperparameter can be checked.</summary>
    private bool Require(long minimum)
    {
        Arguments[Arguments.Count - 1] = Arguments[Arguments.Count - 1] with { Minimum = minimum };
        return true;
    }

    /// <summary>Records the values the real member just read may take.</summary>
    public bool Require(RealBounds bounds)
    {
        Arguments[Arguments.Count - 1] = Arguments[Arguments.Count - 1] with { Bounds = bounds };
        return true;
    }

    public static string Format(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }

    private static string Display(TypedConstant constant) =>
        constant.IsNull ? "null" : Convert.ToString(constant.Value, CultureInfo.InvariantCulture) ?? "?";
}
