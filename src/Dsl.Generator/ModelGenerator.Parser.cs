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

/// <summary>Reads a [Model] class's symbols into an equatable <see cref="ModelSpec"/>; reports misuse, never throws.</summary>
internal sealed class ModelParser
{
    private readonly INamedTypeSymbol type;
    private readonly List<DiagnosticInfo> diagnostics = new();

    private ModelParser(INamedTypeSymbol type) => this.type = type;

    public static ParsedModel Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax syntax)
            return new ParsedModel(null, EquatableArray<DiagnosticInfo>.Empty);
        var parser = new ModelParser(type);
        var model = parser.ParseModel(syntax, context.Attributes[0], cancellationToken);
        return new ParsedModel(model, parser.diagnostics.ToEquatableArray());
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    private ModelSpec? ParseModel(ClassDeclarationSyntax syntax, AttributeData modelAttribute, CancellationToken cancellationToken)
    {
        var classLocation = LocationInfo.From(syntax.Identifier.GetLocation());
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Report(DiagnosticDescriptors.ModelMustBePartial, classLocation, type.Name);
            return null;
        }
        if (type.ContainingType is not null)
        {
            Report(DiagnosticDescriptors.UnsupportedModelDeclaration, classLocation, type.Name, "is nested in another type; declare it at namespace level");
            return null;
        }
        if (type.IsGenericType)
        {
            Report(DiagnosticDescriptors.UnsupportedModelDeclaration, classLocation, type.Name, "is generic; models cannot have type parameters");
            return null;
        }

        var attributeLocation = LocationInfo.From(modelAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? classLocation;
        var (input, outputs) = ParseModelAttribute(modelAttribute, attributeLocation);

        var members = type.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.Locations.Length > 0 && m.Locations[0].IsInSource)
            .OrderBy(m => m.Locations[0].SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(m => m.Locations[0].SourceSpan.Start)
            .ToList();

        var hyperparameters = new List<HyperparameterSpec>();
        foreach (var property in members.OfType<IPropertySymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.HyperparameterAttribute);
            if (attribute is not null && ParseHyperparameter(property, attribute, cancellationToken) is { } spec)
                hyperparameters.Add(spec);
        }
        CheckConditions(hyperparameters);

        var forwardSymbol = members.OfType<IMethodSymbol>().FirstOrDefault(m => m.Name == "Forward");
        var forward = ParseForward(forwardSymbol, classLocation, cancellationToken);
        var layers = forwardSymbol is null ? new List<LayerSpec>() : ParseLayers(forwardSymbol, cancellationToken);

        return new ModelSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            input.ToEquatableArray(),
            outputs,
            hyperparameters.ToEquatableArray(),
            forward,
            layers.ToEquatableArray(),
            classLocation);
    }

    private (int[] Input, int Outputs) ParseModelAttribute(AttributeData attribute, LocationInfo? location)
    {
        int[]? input = null;
        var outputs = 0;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Input" && named.Value.Kind == TypedConstantKind.Array && !named.Value.IsNull)
                input = named.Value.Values.Select(v => v.Value is int i ? i : 0).ToArray();
            else if (named.Key == "Outputs" && named.Value.Value is int o)
                outputs = o;
        }
        if (input is null || input.Length == 0)
        {
            Report(DiagnosticDescriptors.InvalidInputShape, location, type.Name, "declares no Input shape");
            return (Array.Empty<int>(), outputs);
        }
        if (input.Any(d => d <= 0))
        {
            Report(DiagnosticDescriptors.InvalidInputShape, location, type.Name,
                "has Input [" + string.Join(", ", input) + "]; every size must be positive");
            return (Array.Empty<int>(), outputs);
        }
        if (outputs < 0)
            Report(DiagnosticDescriptors.InvalidInputShape, location, type.Name, "declares Outputs = " + outputs + "; it must be positive (or 0 to leave it unchecked)");
        return (input, outputs);
    }

    // ---- Hyperparameters -------------------------------------------------------------------------

    private HyperparameterSpec? ParseHyperparameter(IPropertySymbol property, AttributeData attribute, CancellationToken cancellationToken)
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
            Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, location, name, "must be an instance partial property with only a 'get;' accessor and no body");
            return null;
        }

        var kind = KindOf(property.Type);
        if (kind is null)
        {
            Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, location, name,
                "has type '" + property.Type.ToDisplayString() + "'; supported types are int, long, double, float, bool, string and enums");
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
                Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name, "is numeric and needs a range: [Hyperparameter(min, max)]");
                return null;
            }
            if (choicesConstant is not null)
            {
                Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name, "is numeric; Choices apply to string and enum hyperparameters");
                return null;
            }
            if (isInteger && (!IsIntegral(min.Value) || !IsIntegral(max.Value) || !IsIntegral(step)))
            {
                Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name,
                    "is an integer but its range [" + Format(min.Value) + ", " + Format(max.Value) + "] or step is not integral");
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
            if (step < 0 || (step > 0 && log))
            {
                Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name,
                    step < 0 ? "has a negative Step" : "combines Log = true with a Step; choose one");
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
            Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name, "is a " + kind.Value.ToString().ToLowerInvariant() + " and takes no numeric range");
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
                            Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name, "lists a choice that is not a member of " + property.Type.Name);
                            return null;
                        }
                        choices.Add(EnumLiteral(property.Type, c.Value));
                    }
                }
                else
                {
                    choices.AddRange(members.Select(m => typeName + "." + m.Name));
                }
                break;
            case HyperparameterKind.String:
                if (choicesConstant is not { Kind: TypedConstantKind.Array, IsNull: false } stringChoices || stringChoices.Values.Length == 0
                    || stringChoices.Values.Any(v => v.Value is not string))
                {
                    Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name, "is a string and needs Choices = new[] { \"a\", \"b\" }");
                    return null;
                }
                choices.AddRange(stringChoices.Values.Select(v => SymbolDisplay.FormatLiteral((string)v.Value!, quote: true)));
                break;
        }

        if (choices.Count == 0)
        {
            Report(DiagnosticDescriptors.InvalidHyperparameterDeclaration, attributeLocation, name, "has no choices");
            return null;
        }
        if (choices.Distinct().Count() != choices.Count)
        {
            Report(DiagnosticDescriptors.DuplicateName, attributeLocation, string.Join(", ", choices.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key)), "choice of " + name);
            return null;
        }

        defaultLiteral = defaultConstant is { } d ? LiteralOf(d) ?? "" : choices[0];
        if (!choices.Contains(defaultLiteral))
        {
            Report(DiagnosticDescriptors.DefaultOutOfRange, attributeLocation, name, DisplayConstant(defaultConstant), "of choices [" + string.Join(", ", choices.Select(Shorten)) + "]");
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
            string? problem = null;
            if (target is null)
                problem = hyperparameters.Any(h => h.Name == condition.Parameter)
                    ? "depends on '" + condition.Parameter + "', which must be declared before it"
                    : "depends on '" + condition.Parameter + "', which is not a hyperparameter of " + type.Name;
            else if (target.IsNumeric)
                problem = "depends on numeric '" + target.Name + "'; conditions apply to categorical, bool and enum hyperparameters";
            else if (condition.ValueLiterals.Count == 0 || condition.ValueLiterals.Any(v => !target.Choices.Contains(v)))
                problem = "is conditional on values that are not choices of '" + target.Name + "' [" + string.Join(", ", target.Choices.Select(Shorten)) + "]";
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.InvalidCondition, spec.Location, spec.Name, problem);
                hyperparameters[i] = spec with { Condition = null };
            }
        }
    }

    // ---- Forward and layers ----------------------------------------------------------------------

    private ForwardSpec? ParseForward(IMethodSymbol? method, LocationInfo? classLocation, CancellationToken cancellationToken)
    {
        var syntax = method?.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.Body is null && m.ExpressionBody is null);
        if (method is null || syntax is null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || method.IsStatic
            || method.Parameters.Length != 1 || !IsTensor(method.ReturnType) || !IsTensor(method.Parameters[0].Type))
        {
            Report(DiagnosticDescriptors.MissingForward, LocationInfo.From(syntax?.Identifier.GetLocation()) ?? classLocation, type.Name);
            return null;
        }
        return new ForwardSpec(string.Join(" ", syntax.Modifiers.Select(m => m.Text)), method.Name, method.Parameters[0].Name,
            LocationInfo.From(syntax.Identifier.GetLocation()));
    }

    private List<LayerSpec> ParseLayers(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var layers = new List<LayerSpec>();
        var counters = new Dictionary<string, int>();
        var attributes = method.GetAttributes()
            .Where(a => a.ApplicationSyntaxReference is not null && InheritsFrom(a.AttributeClass, TypeNames.LayerAttributeBase))
            .OrderBy(a => a.ApplicationSyntaxReference!.Span.Start);
        foreach (var attribute in attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var location = LocationInfo.From(attribute.ApplicationSyntaxReference!.GetSyntax(cancellationToken));
            var layer = ParseLayer(attribute, location, counters, layers);
            if (layer is not null) layers.Add(layer);
        }
        return layers;
    }

    private LayerSpec? ParseLayer(AttributeData attribute, LocationInfo? location, Dictionary<string, int> counters, List<LayerSpec> previous)
    {
        var className = attribute.AttributeClass!.Name;
        var kindName = className.EndsWith("Attribute", StringComparison.Ordinal) ? className.Substring(0, className.Length - "Attribute".Length) : className;
        if (!Enum.TryParse<LayerKind>(kindName, out var kind))
        {
            Report(DiagnosticDescriptors.InvalidArgument, location, kindName, "is not a layer this generator version understands");
            return null;
        }
        var arguments = new List<LayerArgument>();
        var args = attribute.ConstructorArguments;
        // Code that does not bind (missing or wrong arguments) already has a compiler error; add nothing, crash never.
        if (attribute.AttributeConstructor is null || args.Any(a => a.Kind == TypedConstantKind.Error) || args.Length != ExpectedArguments(kind))
            return null;
        var ok = true;
        switch (kind)
        {
            case LayerKind.Linear:
                ok &= Size(kindName, "out_features", args[0], arguments, location);
                arguments.Add(Flag("bias", NamedBool(attribute, "Bias", true)));
                break;
            case LayerKind.Conv2d:
                ok &= Size(kindName, "out_channels", args[0], arguments, location);
                ok &= Size(kindName, "kernel_size", args[1], arguments, location);
                ok &= NonNegative(kindName, "stride", NamedInt(attribute, "Stride", 1), arguments, location, positive: true);
                ok &= NonNegative(kindName, "padding", NamedInt(attribute, "Padding", 0), arguments, location, positive: false);
                arguments.Add(Flag("bias", NamedBool(attribute, "Bias", true)));
                break;
            case LayerKind.MaxPool2d:
                var kernel = args[0].Value is int k ? k : 0;
                ok &= NonNegative(kindName, "kernel_size", kernel, arguments, location, positive: true);
                var stride = NamedInt(attribute, "Stride", 0);
                ok &= NonNegative(kindName, "stride", stride == 0 ? kernel : stride, arguments, location, positive: true);
                ok &= NonNegative(kindName, "padding", NamedInt(attribute, "Padding", 0), arguments, location, positive: false);
                if (ok && NamedInt(attribute, "Padding", 0) * 2 > kernel)
                {
                    Report(DiagnosticDescriptors.InvalidArgument, location, kindName, "padding must be at most half the kernel size");
                    ok = false;
                }
                break;
            case LayerKind.Dropout:
                ok &= Probability(kindName, args[0], arguments, location);
                break;
            case LayerKind.Activate:
                ok &= ActivationArgument(kindName, args[0], arguments, location);
                break;
            case LayerKind.Flatten:
                break;
        }
        if (!ok) return null;

        var fieldName = FieldName(kind, attribute, counters, previous, location);
        return fieldName is null ? null : new LayerSpec(kind, fieldName, arguments.ToEquatableArray(), location);
    }

    private static int ExpectedArguments(LayerKind kind) => kind switch
    {
        LayerKind.Conv2d => 2,
        LayerKind.Flatten => 0,
        _ => 1,
    };

    private string? FieldName(LayerKind kind, AttributeData attribute, Dictionary<string, int> counters, List<LayerSpec> previous, LocationInfo? location)
    {
        var custom = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Name").Value.Value as string;
        string name;
        if (!string.IsNullOrEmpty(custom))
        {
            if (!SyntaxFacts.IsValidIdentifier(custom) || SyntaxFacts.GetKeywordKind(custom!) != SyntaxKind.None)
            {
                Report(DiagnosticDescriptors.InvalidArgument, location, kind.ToString(), "Name '" + custom + "' is not a valid C# identifier");
                return null;
            }
            name = custom!;
        }
        else
        {
            // Names follow TorchSharp and PyTorch habits so state_dict keys read like hand-written ones.
            var prefix = kind switch
            {
                LayerKind.Linear => "fc",
                LayerKind.Conv2d => "conv",
                LayerKind.MaxPool2d => "pool",
                LayerKind.Flatten => "flatten",
                LayerKind.Dropout => "dropout",
                LayerKind.Activate => "act",
                _ => "layer",
            };
            counters.TryGetValue(prefix, out var count);
            do
            {
                count++;
                name = prefix + count.ToString(CultureInfo.InvariantCulture);
            }
            while (previous.Any(p => p.FieldName == name) || type.GetMembers(name).Length > 0);
            counters[prefix] = count;
        }
        if (previous.Any(p => p.FieldName == name) || type.GetMembers(name).Length > 0)
        {
            Report(DiagnosticDescriptors.DuplicateName, location, name, "layer or member of " + type.Name);
            return null;
        }
        return name;
    }

    private bool Size(string layer, string argument, TypedConstant constant, List<LayerArgument> arguments, LocationInfo? location)
    {
        switch (constant.Value)
        {
            case int value when value > 0:
                arguments.Add(LayerArgument.Of(argument, value));
                return true;
            case int value:
                Report(DiagnosticDescriptors.InvalidArgument, location, layer, argument + " must be positive, but is " + value);
                return false;
            case string member:
                return MemberArgument(layer, argument, member, "an int size", IsIntegerType, arguments, location);
            default:
                Report(DiagnosticDescriptors.InvalidArgument, location, layer, argument + " must be an int constant or nameof(an int member), but is " + DisplayConstant(constant));
                return false;
        }
    }

    private bool NonNegative(string layer, string argument, int value, List<LayerArgument> arguments, LocationInfo? location, bool positive)
    {
        if (positive ? value <= 0 : value < 0)
        {
            Report(DiagnosticDescriptors.InvalidArgument, location, layer, argument + " must be " + (positive ? "positive" : "zero or more") + ", but is " + value);
            return false;
        }
        arguments.Add(LayerArgument.Of(argument, value));
        return true;
    }

    private bool Probability(string layer, TypedConstant constant, List<LayerArgument> arguments, LocationInfo? location)
    {
        if (constant.Value is string member)
            return MemberArgument(layer, "p", member, "a double probability", t => t.SpecialType is SpecialType.System_Double or SpecialType.System_Single, arguments, location);
        var value = ToDouble(constant.Value);
        if (value is null || value < 0 || value >= 1)
        {
            Report(DiagnosticDescriptors.InvalidArgument, location, layer, "probability must be in [0, 1), but is " + DisplayConstant(constant));
            return false;
        }
        arguments.Add(new LayerArgument("p", Format(value.Value), null, Format(value.Value)));
        return true;
    }

    private bool ActivationArgument(string layer, TypedConstant constant, List<LayerArgument> arguments, LocationInfo? location)
    {
        if (constant.Value is string member)
            return MemberArgument(layer, "activation", member, "an Activation", t => t.ToDisplayString() == TypeNames.ActivationEnum, arguments, location);
        if (constant.Kind == TypedConstantKind.Enum && constant.Type?.ToDisplayString() == TypeNames.ActivationEnum)
        {
            var literal = EnumLiteral(constant.Type, constant.Value);
            arguments.Add(new LayerArgument("activation", literal, null, literal.Substring(literal.LastIndexOf('.') + 1)));
            return true;
        }
        Report(DiagnosticDescriptors.InvalidArgument, location, layer, "expects an Activation value or nameof(an Activation member), but got " + DisplayConstant(constant));
        return false;
    }

    private bool MemberArgument(string layer, string argument, string memberName, string expected, Func<ITypeSymbol, bool> accepts,
        List<LayerArgument> arguments, LocationInfo? location)
    {
        var member = type.GetMembers(memberName).FirstOrDefault(m => m is IPropertySymbol or IFieldSymbol);
        if (member is null)
        {
            Report(DiagnosticDescriptors.UnknownMember, location, memberName, type.Name);
            return false;
        }
        var memberType = member is IPropertySymbol p ? p.Type : ((IFieldSymbol)member).Type;
        if (!accepts(memberType))
        {
            Report(DiagnosticDescriptors.WrongMemberType, location, layer + " " + argument, expected, memberName, memberType.ToDisplayString());
            return false;
        }
        arguments.Add(new LayerArgument(argument, (member.IsStatic ? "" : "this.") + memberName, null, memberName));
        return true;
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    private static LayerArgument Flag(string name, bool value) => new(name, value ? "true" : "false", value ? 1 : 0, value ? "true" : "false");

    private static bool NamedBool(AttributeData attribute, string name, bool fallback) =>
        attribute.NamedArguments.FirstOrDefault(n => n.Key == name).Value.Value is bool b ? b : fallback;

    private static int NamedInt(AttributeData attribute, string name, int fallback) =>
        attribute.NamedArguments.FirstOrDefault(n => n.Key == name).Value.Value is int i ? i : fallback;

    private static bool IsIntegerType(ITypeSymbol type) => type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64;

    private static bool IsTensor(ITypeSymbol type) => type.ToDisplayString() == TypeNames.TorchTensor;

    private static bool InheritsFrom(INamedTypeSymbol? type, string baseName)
    {
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
            if (current.ToDisplayString() == baseName) return true;
        return false;
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
