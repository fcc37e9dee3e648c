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
    /// <summary>Every hyperparameter among <paramref name="members"/>, in declaration order, with their conditions checked.</summary>
    public List<HyperparameterSpec> ParseAll(IEnumerable<ISymbol> members, CancellationToken cancellationToken)
    {
        var hyperparameters = new List<HyperparameterSpec>();
        foreach (var property in members.OfType<IPropertySymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.HyperparameterAttribute);
            if (attribute is not null && Parse(property, attribute, cancellationToken) is { } spec)
                hyperparameters.Add(spec);
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

        if (isNumeric)
        {
            if (min is null || max is null)
            {
                Report(DiagnosticDescriptors.NumericHyperparameterNeedsRange, attributeLocation, name);
                return null;
            }
            if (choicesConstant is not null)
            {
                Report(DiagnosticDescriptors.ChoicesOnNumericHyperparameter, attributeLocation, name);
                return null;
            }
            if (isInteger && (!IsIntegral(min.Value) || !IsIntegral(max.Value) || !IsIntegral(step)))
            {
                Report(DiagnosticDescriptors.IntegerRangeNotIntegral, attributeLocation, name,
                    IsIntegral(step) ? "range [" + Format(min.Value) + ", " + Format(max.Value) + "]" : "Step " + Format(step));
                return null;
            }
            if (min.Value >= max.Value)
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
            if (value < min || value > max)
            {
                Report(DiagnosticDescriptors.DefaultOutOfRange, attributeLocation, name, Format(value.Value), "[" + Format(min.Value) + ", " + Format(max.Value) + "]");
                return null;
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

    private void CheckConditions(List<HyperparameterSpec> hyperparameters)
    {
        for (var i = 0; i < hyperparameters.Count; i++)
        {
            var spec = hyperparameters[i];
            if (spec.Condition is not { } condition) continue;
            var target = hyperparameters.Take(i).FirstOrDefault(h => h.Name == condition.Parameter);
            DiagnosticInfo? problem = null;
            if (target is null)
                problem = hyperparameters.Any(h => h.Name == condition.Parameter)
                    ? DiagnosticInfo.Create(DiagnosticDescriptors.ConditionOnLaterHyperparameter, spec.Location, spec.Name, condition.Parameter)
                    : DiagnosticInfo.Create(DiagnosticDescriptors.ConditionOnUnknownHyperparameter, spec.Location, spec.Name, condition.Parameter, type.Name);
            else if (target.IsNumeric)
                problem = DiagnosticInfo.Create(DiagnosticDescriptors.ConditionOnNumericHyperparameter, spec.Location, spec.Name, target.Name);
            else if (condition.ValueLiterals.Count == 0 || condition.ValueLiterals.Any(v => !target.Choices.Contains(v)))
                problem = DiagnosticInfo.Create(DiagnosticDescriptors.ConditionValuesNotChoices, spec.Location, spec.Name, target.Name,
                    string.Join(", ", target.Choices.Select(Shorten)));
            if (problem is not null)
            {
                diagnostics.Add(problem);
                hyperparameters[i] = spec with { Condition = null };
            }
        }
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

    private static bool IsIntegral(double value) => Math.Abs(value - Math.Round(value)) < 1e-12 && Math.Abs(value) < long.MaxValue;

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string NumberLiteral(double value, HyperparameterKind kind) => kind switch
    {
        HyperparameterKind.Int => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture),
        HyperparameterKind.Long => ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture) + "L",
        HyperparameterKind.Float => Format(value) + "f",
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
