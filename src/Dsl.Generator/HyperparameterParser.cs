using Dsl.Generator.Diagnostics;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator;

/// <summary>Reads [Hyperparameter] partial properties (of a model or a sweep) into equatable specs; reports misuse, never throws.</summary>
internal sealed class HyperparameterParser(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
{
    /// <summary>The [Hyperparameter] properties that were rejected with a diagnostic, so the generator implements none of them.</summary>
    public List<IPropertySymbol> Rejected { get; } = new();

    /// <summary>Every hyperparameter among <paramref name="members"/>, in declaration order, with their conditions checked.</summary>
    public List<HyperparameterSpec> ParseAll(IEnumerable<ISymbol> members, CancellationToken cancellationToken)
    {
        var hyperparameters = new List<HyperparameterSpec>();
        foreach (var property in members.OfType<IPropertySymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.HyperparameterAttribute);
            if (attribute is null) continue;
            if (Parse(property, attribute, cancellationToken) is { } spec) hyperparameters.Add(spec);
            else Rejected.Add(property);
        }
        CheckConditions(hyperparameters);
        return hyperparameters;
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    private HyperparameterSpec? Parse(IPropertySymbol property, AttributeData attribute, CancellationToken cancellationToken)
    {
        var syntax = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<PropertyDeclarationSyntax>().FirstOrDefault();
        var location = LocationInfo.From(syntax?.Identifier.GetLocation() ?? property.Locations.FirstOrDefault());
        var attributeLocation = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? location;
        var name = property.Name;

        if (syntax is null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || property.IsStatic
            || syntax.AccessorList is null || syntax.AccessorList.Accessors.Count != 1
            || !syntax.AccessorList.Accessors[0].IsKind(SyntaxKind.GetAccessorDeclaration)
            || syntax.AccessorList.Accessors[0].Body is not null || syntax.AccessorList.Accessors[0].ExpressionBody is not null)
        {
            Report(DiagnosticDescriptors.HyperparameterNotPartialGetter, location, name);
            return null;
        }

        var kind = KindOf(property.Type);
        if (kind is null)
        {
            Report(DiagnosticDescriptors.UnsupportedHyperparameterType, location, name, property.Type.ToDisplayString());
            return null;
        }

        var modifiers = string.Join(" ", syntax.Modifiers.Select(m => m.Text));
        var typeName = property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        object? defaultValue = null;
        TypedConstant? defaultConstant = null;
        var log = false;
        double step = 0;
        TypedConstant? choicesConstant = null;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Default": defaultConstant = named.Value; defaultValue = named.Value.Kind == TypedConstantKind.Array ? null : named.Value.Value; break;
                case "Log": log = named.Value.Value is true; break;
                case "Step": step = named.Value.Value is double s ? s : 0; break;
                case "Choices": choicesConstant = named.Value; break;
            }
        }

        double? min = null, max = null;
        if (attribute.ConstructorArguments.Length == 2)
        {
            min = ToDouble(attribute.ConstructorArguments[0].Value);
            max = ToDouble(attribute.ConstructorArguments[1].Value);
        }

        var isNumeric = kind is HyperparameterKind.Int or HyperparameterKind.Long or HyperparameterKind.Double or HyperparameterKind.Float;
        var isInteger = kind is HyperparameterKind.Int or HyperparameterKind.Long;
        var choices = new List<string>();
        string defaultLiteral;

        if (isNumeric && choicesConstant is not null)
        {
            if (min is not null || log || step != 0)
            {
                Report(DiagnosticDescriptors.ChoicesOnNumericHyperparameter, attributeLocation, name);
                return null;
            }
            return ParseNumericChoices(property, attributeLocation, location, modifiers, kind.Value, typeName, choicesConstant.Value, defaultConstant);
        }

        if (isNumeric)
        {
            if (min is null || max is null)
            {
                Report(DiagnosticDescriptors.NumericHyperparameterNeedsRange, attributeLocation, name);
                return null;
            }
            if (isInteger && (!IsIntegral(min.Value) || !IsIntegral(max.Value) || !IsIntegral(step)))
            {
                Report(DiagnosticDescriptors.IntegerRangeNotIntegral, attributeLocation, name,
                    IsIntegral(step) ? "range [" + Format(min.Value) + ", " + Format(max.Value) + "]" : "Step " + Format(step));
                return null;
            }
            // Written so that a NaN bound, which no sampler can draw from, counts as an empty range too.
            if (!(min.Value < max.Value))
            {
                Report(DiagnosticDescriptors.InvalidRange, attributeLocation, name, Format(min.Value), Format(max.Value));
                return null;
            }
            if (log && min.Value <= 0)
            {
                Report(DiagnosticDescriptors.LogScaleNeedsPositiveMin, attributeLocation, name, Format(min.Value));
                return null;
            }
            if (step < 0)
            {
                Report(DiagnosticDescriptors.NegativeStep, attributeLocation, name, Format(step));
                return null;
            }
            if (step > 0 && log)
            {
                Report(DiagnosticDescriptors.StepWithLogScale, attributeLocation, name);
                return null;
            }
            var value = defaultValue is null ? min.Value : ToDouble(defaultValue);
            if (value is null || (isInteger && !IsIntegral(value.Value)))
            {
                Report(DiagnosticDescriptors.DefaultOutOfRange, attributeLocation, name, DisplayConstant(defaultConstant), "of " + (isInteger ? "integers " : "") + "[" + Format(min.Value) + ", " + Format(max.Value) + "]");
                return null;
            }
            var grid = step > 0 ? " in steps of " + Format(step) : "";
            // Samplers draw min + k * step, and the record rejects other values: a default off that grid could never be rebuilt.
            if (!(value >= min && value <= max) || (step > 0 && !OnGrid(value.Value - min.Value, step)))
            {
                Report(DiagnosticDescriptors.DefaultOutOfRange, attributeLocation, name, Format(value.Value), "[" + Format(min.Value) + ", " + Format(max.Value) + "]" + grid);
                return null;
            }
            if (step > 0 && !OnGrid(max.Value - min.Value, step))
            {
                var last = min.Value + Math.Floor((max.Value - min.Value) / step + 1e-9) * step;
                Report(DiagnosticDescriptors.StepDoesNotDivideRange, attributeLocation, name, Format(step), Format(min.Value), Format(max.Value), Format(last));
            }
            defaultLiteral = NumberLiteral(value.Value, kind.Value);
            return new HyperparameterSpec(name, modifiers, kind.Value, typeName,
                NumberLiteral(min.Value, kind.Value), NumberLiteral(max.Value, kind.Value), log,
                step > 0 ? NumberLiteral(step, kind.Value) : null, defaultLiteral, EquatableArray<string>.Empty,
                ParseCondition(property), location);
        }

        if (min is not null)
        {
            Report(DiagnosticDescriptors.RangeOnCategoricalHyperparameter, attributeLocation, name, kind.Value.ToString().ToLowerInvariant());
            return null;
        }

        switch (kind.Value)
        {
            case HyperparameterKind.Bool:
                choices.Add("false");
                choices.Add("true");
                break;
            case HyperparameterKind.Enum:
                var members = property.Type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToList();
                if (choicesConstant is { Kind: TypedConstantKind.Array, IsNull: false } enumChoices)
                {
                    foreach (var c in enumChoices.Values)
                    {
                        if (c.Kind != TypedConstantKind.Enum || !SymbolEqualityComparer.Default.Equals(c.Type, property.Type))
                        {
                            Report(DiagnosticDescriptors.ChoiceOfWrongType, attributeLocation, name, property.Type.Name);
                            return null;
                        }
                        choices.Add(EnumLiteral(property.Type, c.Value));
                    }
                }
                else
                {
                    // Members marked [ExcludeFromSearch] (Activation.Softmax, say) are searched only when listed, or when they are the default.
                    var defaultMember = defaultConstant is { Kind: TypedConstantKind.Enum } enumDefault ? enumDefault.Value : null;
                    choices.AddRange(members
                        .Where(m => !m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TypeNames.ExcludeFromSearchAttribute)
                                    || Equals(m.ConstantValue, defaultMember))
                        .Select(m => typeName + "." + m.Name));
                }
                break;
            case HyperparameterKind.String:
                if (choicesConstant is not { Kind: TypedConstantKind.Array, IsNull: false } stringChoices || stringChoices.Values.Length == 0)
                {
                    Report(DiagnosticDescriptors.NoChoices, attributeLocation, name);
                    return null;
                }
                if (stringChoices.Values.Any(v => v.Value is not string))
                {
                    Report(DiagnosticDescriptors.ChoiceOfWrongType, attributeLocation, name, "string");
                    return null;
                }
                choices.AddRange(stringChoices.Values.Select(v => SymbolDisplay.FormatLiteral((string)v.Value!, quote: true)));
                break;
        }

        if (choices.Count == 0)
        {
            Report(DiagnosticDescriptors.NoChoices, attributeLocation, name);
            return null;
        }
        if (choices.Distinct().Count() != choices.Count)
        {
            Report(DiagnosticDescriptors.DuplicateChoice, attributeLocation, name, Shorten(choices.GroupBy(c => c).First(g => g.Count() > 1).Key));
            return null;
        }

        defaultLiteral = defaultConstant is { } d ? LiteralOf(d) ?? "" : choices[0];
        if (!choices.Contains(defaultLiteral))
        {
            Report(DiagnosticDescriptors.DefaultNotAChoice, attributeLocation, name, DisplayConstant(defaultConstant), string.Join(", ", choices.Select(Shorten)));
            return null;
        }
        return new HyperparameterSpec(name, modifiers, kind.Value, typeName, null, null, false, null, defaultLiteral,
            choices.ToEquatableArray(), ParseCondition(property), location);
    }

    /// <summary>A categorical over numbers, such as a kernel size in { 3, 5, 7 }: searched as choices, typed as the property.</summary>
    private HyperparameterSpec? ParseNumericChoices(IPropertySymbol property, LocationInfo? attributeLocation, LocationInfo? location, string modifiers,
        HyperparameterKind kind, string typeName, TypedConstant choicesConstant, TypedConstant? defaultConstant)
    {
        var name = property.Name;
        var isInteger = kind is HyperparameterKind.Int or HyperparameterKind.Long;
        if (choicesConstant.Kind != TypedConstantKind.Array || choicesConstant.IsNull || choicesConstant.Values.Length == 0)
        {
            Report(DiagnosticDescriptors.NoChoices, attributeLocation, name);
            return null;
        }
        var values = new List<double>();
        foreach (var choice in choicesConstant.Values)
        {
            var number = choice.Kind == TypedConstantKind.Primitive ? ToDouble(choice.Value) : null;
            if (number is not { } v || double.IsNaN(v) || double.IsInfinity(v) || (isInteger && !IsIntegral(v))
                || (kind == HyperparameterKind.Int && (v < int.MinValue || v > int.MaxValue)))
            {
                Report(DiagnosticDescriptors.ChoiceOfWrongType, attributeLocation, name, property.Type.ToDisplayString());
                return null;
            }
            values.Add(v);
        }
        var choices = values.Select(v => NumberLiteral(v, kind)).ToList();
        if (choices.Distinct().Count() != choices.Count)
        {
            Report(DiagnosticDescriptors.DuplicateChoice, attributeLocation, name, Shorten(choices.GroupBy(c => c).First(g => g.Count() > 1).Key));
            return null;
        }
        var defaultNumber = defaultConstant is { IsNull: false, Kind: TypedConstantKind.Primitive } d ? ToDouble(d.Value) : null;
        var defaultLiteral = defaultConstant is null ? choices[0] : defaultNumber is { } n ? NumberLiteral(n, kind) : null;
        if (defaultLiteral is null || !choices.Contains(defaultLiteral))
        {
            Report(DiagnosticDescriptors.DefaultNotAChoice, attributeLocation, name, DisplayConstant(defaultConstant), string.Join(", ", values.Select(Format)));
            return null;
        }
        return new HyperparameterSpec(name, modifiers, kind, typeName, null, null, false, null, defaultLiteral,
            choices.ToEquatableArray(), ParseCondition(property), location);
    }

    private ConditionSpec? ParseCondition(IPropertySymbol property)
    {
        var when = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.WhenAttribute);
        if (when is null || when.ConstructorArguments.Length != 2) return null;
        var parameter = when.ConstructorArguments[0].Value as string ?? "";
        var values = when.ConstructorArguments[1].Kind == TypedConstantKind.Array
            ? when.ConstructorArguments[1].Values.Select(v => LiteralOf(v) ?? "?").ToList()
            : new List<string>();
        return new ConditionSpec(parameter, values.ToEquatableArray());
    }

    /// <summary>
    /// Checks every [When]: it may name a hyperparameter declared anywhere in the class, but not a numeric one, nor
    /// values outside its type, nor a chain of conditions that comes back to itself. A rejected condition is dropped.
    /// </summary>
    private void CheckConditions(List<HyperparameterSpec> hyperparameters)
    {
        for (var i = 0; i < hyperparameters.Count; i++)
        {
            var spec = hyperparameters[i];
            if (spec.Condition is not { } condition) continue;
            var target = hyperparameters.FirstOrDefault(h => h.Name == condition.Parameter);
            DiagnosticInfo? problem = null;
            if (target is null)
                problem = DiagnosticInfo.Create(DiagnosticDescriptors.ConditionOnUnknownHyperparameter, spec.Location, spec.Name, condition.Parameter, type.Name);
            else if (target.IsNumeric)
                problem = DiagnosticInfo.Create(DiagnosticDescriptors.ConditionOnNumericHyperparameter, spec.Location, spec.Name, target.Name);
            else if (condition.ValueLiterals.Count == 0 || condition.ValueLiterals.Any(v => !IsValueOf(target, v)))
                problem = DiagnosticInfo.Create(DiagnosticDescriptors.ConditionValuesNotChoices, spec.Location, spec.Name, target.Name,
                    string.Join(", ", target.Choices.Select(Shorten)));
            if (problem is not null)
            {
                diagnostics.Add(problem);
                hyperparameters[i] = spec with { Condition = null };
            }
        }

        ReportConditionCycles(hyperparameters);

        foreach (var spec in hyperparameters)
        {
            if (spec.Condition is not { } condition) continue;
            var target = hyperparameters.First(h => h.Name == condition.Parameter);
            if (!condition.ValueLiterals.Any(target.Choices.Contains))
                Report(DiagnosticDescriptors.NeverActive, spec.Location, spec.Name,
                    "it is active only when " + target.Name + " is " + string.Join(" or ", condition.ValueLiterals.Select(Shorten)) +
                    ", which is not among its choices [" + string.Join(", ", target.Choices.Select(Shorten)) + "]");
        }
    }

    /// <summary>A value a condition may name: any member of the target's enum or bool type, or one of its string choices.</summary>
    private static bool IsValueOf(HyperparameterSpec target, string literal) => target.Kind switch
    {
        HyperparameterKind.Bool => literal is "true" or "false",
        HyperparameterKind.Enum => literal.StartsWith(target.TypeName + ".", StringComparison.Ordinal),
        _ => target.Choices.Contains(literal),
    };

    /// <summary>Reports each cycle of conditions once, at its first declared member, and drops the conditions that form it.</summary>
    private void ReportConditionCycles(List<HyperparameterSpec> hyperparameters)
    {
        var index = hyperparameters.Select((h, i) => (h.Name, i)).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First().i);
        var inCycle = new HashSet<int>();
        for (var start = 0; start < hyperparameters.Count; start++)
        {
            if (inCycle.Contains(start)) continue;
            var path = new List<int>();
            var current = start;
            while (current >= 0 && !path.Contains(current) && !inCycle.Contains(current))
            {
                path.Add(current);
                current = hyperparameters[current].Condition is { } c && index.TryGetValue(c.Parameter, out var next) ? next : -1;
            }
            if (current < 0 || inCycle.Contains(current)) continue;
            var cycle = path.Skip(path.IndexOf(current)).ToList();
            inCycle.UnionWith(cycle);
            var first = cycle.Min();
            var rotated = cycle.SkipWhile(i => i != first).Concat(cycle.TakeWhile(i => i != first)).ToList();
            var names = rotated.Select(i => hyperparameters[i].Name).Concat([hyperparameters[first].Name]);
            Report(DiagnosticDescriptors.ConditionCycle, hyperparameters[first].Location, hyperparameters[first].Name, string.Join(" -> ", names));
        }
        foreach (var i in inCycle) hyperparameters[i] = hyperparameters[i] with { Condition = null };
    }

    private static HyperparameterKind? KindOf(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Int32 => HyperparameterKind.Int,
        SpecialType.System_Int64 => HyperparameterKind.Long,
        SpecialType.System_Double => HyperparameterKind.Double,
        SpecialType.System_Single => HyperparameterKind.Float,
        SpecialType.System_Boolean => HyperparameterKind.Bool,
        SpecialType.System_String => HyperparameterKind.String,
        _ => type.TypeKind == TypeKind.Enum ? HyperparameterKind.Enum : null,
    };

    private static double? ToDouble(object? value) => value switch
    {
        int i => i,
        long l => l,
        double d => d,
        float f => f,
        _ => null,
    };

    /// <summary>Whether <paramref name="offset"/> is a whole number of steps, allowing for rounding in real steps.</summary>
    private static bool OnGrid(double offset, double step)
    {
        var steps = offset / step;
        return Math.Abs(steps - Math.Round(steps)) <= 1e-9 * Math.Max(1, Math.Abs(steps));
    }

    private static bool IsIntegral(double value) => Math.Abs(value - Math.Round(value)) < 1e-12 && Math.Abs(value) < long.MaxValue;

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number as a C# literal of the hyperparameter's type.</summary>
    internal static string NumberLiteral(double value, HyperparameterKind kind) => kind switch
    {
        HyperparameterKind.Int => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture),
        HyperparameterKind.Long => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture) + "L",
        HyperparameterKind.Float => ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f",
        _ => Format(value).Contains(".") || Format(value).Contains("E") ? Format(value) : Format(value) + ".0",
    };

    private static string EnumLiteral(ITypeSymbol enumType, object? value)
    {
        var member = enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
        var typeName = enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        return member is null
            ? "(" + typeName + ")" + Convert.ToString(value, CultureInfo.InvariantCulture)
            : typeName + "." + member.Name;
    }

    /// <summary>The C# literal of a constant, as it appears among a hyperparameter's choices.</summary>
    private static string? LiteralOf(TypedConstant constant) => constant.Kind switch
    {
        TypedConstantKind.Enum when constant.Type is not null => EnumLiteral(constant.Type, constant.Value),
        _ => constant.Value switch
        {
            bool b => b ? "true" : "false",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            _ => null,
        },
    };

    private static string DisplayConstant(TypedConstant? constant) =>
        constant is null || constant.Value.IsNull ? "null" : Shorten(LiteralOf(constant.Value) ?? Convert.ToString(constant.Value.Value, CultureInfo.InvariantCulture) ?? "?");

    /// <summary>Drops the namespace from enum literals so messages read like source code.</summary>
    private static string Shorten(string literal)
    {
        if (!literal.StartsWith("global::", StringComparison.Ordinal)) return literal;
        var parts = literal.Split('.');
        return parts.Length >= 2 ? parts[parts.Length - 2] + "." + parts[parts.Length - 1] : literal;
    }
}
