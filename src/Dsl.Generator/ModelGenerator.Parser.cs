using Dsl.Generator.Diagnostics;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Dsl.Generator.Isolation;
using Dsl.Generator.Layers;
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

    /// <summary>Methods that look like blocks but were rejected; they get throwing implementations.</summary>
    private readonly List<IMethodSymbol> rejectedBlocks = new();
    private bool inputReported;

    private ModelParser(INamedTypeSymbol type) => this.type = type;

    /// <summary>Parses the model <paramref name="source"/> names, as it binds in <paramref name="compilation"/>.</summary>
    public static ParsedModel Parse(ModelSource source, Compilation compilation, CancellationToken cancellationToken)
    {
        if (source.Find(compilation, cancellationToken) is not var (type, syntax))
            return new ParsedModel(null, EquatableArray<DiagnosticInfo>.Empty);
        var modelAttribute = type.GetAttributes().FirstOrDefault(a =>
            a.AttributeClass?.ToDisplayString() == TypeNames.ModelAttribute
            && a.ApplicationSyntaxReference is { } application
            && application.SyntaxTree == syntax.SyntaxTree
            && syntax.Span.Contains(application.Span));
        if (modelAttribute is null)
            return new ParsedModel(null, EquatableArray<DiagnosticInfo>.Empty);
        var parser = new ModelParser(type);
        var model = parser.ParseModel(syntax, modelAttribute, cancellationToken);
        return new ParsedModel(model, parser.diagnostics.ToEquatableArray());
    }

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    private ModelSpec? ParseModel(TypeDeclarationSyntax syntax, AttributeData modelAttribute, CancellationToken cancellationToken)
    {
        var classLocation = LocationInfo.From(syntax.Identifier.GetLocation());
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Report(DiagnosticDescriptors.ModelMustBePartial, classLocation, type.Name);
            return null;
        }
        var containingTypes = ContainingTypes();
        if (containingTypes is null)
        {
            // Nested in a type that is not partial: no part of the class can be generated at all.
            Report(DiagnosticDescriptors.NestedDeclaration, classLocation, type.Name);
            return null;
        }

        var attributeLocation = LocationInfo.From(modelAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? classLocation;
        var members = SymbolOrder.SourceMembers(type);
        var problems = ModelDeclarationRules.Problems(type, syntax, members, cancellationToken);
        diagnostics.AddRange(problems);
        var expandable = problems.Count == 0;
        var declaration = new DeclarationSpec(
            syntax is RecordDeclarationSyntax ? "record" : "class",
            type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(t => t.Name)) + ">",
            containingTypes.ToEquatableArray(),
            expandable);

        var hyperparameterParser = new HyperparameterParser(type, diagnostics);
        var hyperparameters = hyperparameterParser.ParseAll(members, cancellationToken);
        var stubs = new List<string>();
        var stubReason = type.Name + " has Dsl generator errors; see the compiler's DSL diagnostics.";

        if (!expandable)
        {
            // Nothing is generated but throwing implementations of the user's DSL members (and the record, which code may name).
            foreach (var member in members.Where(IsDslMember))
                if (PartialMemberStubs.For(member, stubReason, cancellationToken) is { } stub) stubs.Add(stub);
            return Spec(syntax, Array.Empty<int>(), 0, hyperparameters, new List<BlockSpec>(), classLocation, declaration, stubs, members);
        }

        var (input, outputs) = ParseModelAttribute(modelAttribute, attributeLocation);
        var blocks = ParseBlocks(members.OfType<IMethodSymbol>(), classLocation, cancellationToken);
        var forward = blocks.FirstOrDefault(b => b.IsForward);
        if (forward is not null)
        {
            var resolved = ResolveInputShapes(forward, input, attributeLocation);
            blocks[blocks.IndexOf(forward)] = forward = resolved;
            input = resolved.Inputs.Count > 0 ? [.. resolved.Inputs[0].Shape] : [];
        }

        foreach (var member in hyperparameterParser.Rejected.Cast<ISymbol>().Concat(rejectedBlocks))
            if (PartialMemberStubs.For(member, stubReason, cancellationToken) is { } stub) stubs.Add(stub);
        // Only a model without errors is told about unused hyperparameters: an error may be what leaves one unused.
        if (!diagnostics.Any(d => d.IsError)) ReportUnusedHyperparameters(hyperparameters, blocks, cancellationToken);

        return Spec(syntax, input, outputs, hyperparameters, blocks, classLocation, declaration, stubs, members);
    }

    private ModelSpec Spec(TypeDeclarationSyntax syntax, int[] input, int outputs, List<HyperparameterSpec> hyperparameters, List<BlockSpec> blocks,
        LocationInfo? classLocation, DeclarationSpec declaration, List<string> stubs, List<ISymbol> members) =>
        new ModelSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            input.ToEquatableArray(),
            outputs,
            hyperparameters.ToEquatableArray(),
            blocks.ToEquatableArray(),
            classLocation,
            // A layer dropped for a reported error would make the shape check report a second, misleading error.
            HasParseErrors: diagnostics.Any(d => d.IsError))
        {
            Declaration = declaration,
            Stubs = stubs.ToEquatableArray(),
            Members = members
                .Where(m => m is not IMethodSymbol method || method.MethodKind == MethodKind.Ordinary)
                .Select(m => new UserMember(m.Name, LocationInfo.From(m.Locations.FirstOrDefault())))
                .ToEquatableArray(),
            Sizes = SizeMembers(members, syntax).ToEquatableArray(),
        };

    /// <summary>The partial types the class is nested in, outermost first; null when one of them is not partial.</summary>
    private List<ContainingType>? ContainingTypes()
    {
        var result = new List<ContainingType>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            var declarations = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().ToList();
            if (declarations.Count == 0 || !declarations.All(d => d.Modifiers.Any(SyntaxKind.PartialKeyword))) return null;
            var keyword = declarations[0] is RecordDeclarationSyntax record
                ? "record" + (record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? " struct" : "")
                : declarations[0].Keyword.Text;
            var typeParameters = outer.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", outer.TypeParameters.Select(t => t.Name)) + ">";
            result.Insert(0, new ContainingType(keyword, outer.Name, typeParameters));
        }
        return result;
    }

    /// <summary>Members the DSL implements: hyperparameters, Forward and methods that carry layers.</summary>
    private static bool IsDslMember(ISymbol member) => member switch
    {
        IPropertySymbol property => property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TypeNames.HyperparameterAttribute),
        IMethodSymbol method => method.MethodKind == MethodKind.Ordinary
                                && (method.Name == BlockSpec.ForwardName || method.GetAttributes().Any(a => InheritsFrom(a.AttributeClass, TypeNames.LayerAttributeBase))),
        _ => false,
    };

    /// <summary>
    /// Warns about hyperparameters that nothing reads: no layer argument, condition or other member of the class names
    /// them (with nameof, a string, or plain code).
    /// </summary>
    private void ReportUnusedHyperparameters(List<HyperparameterSpec> hyperparameters, List<BlockSpec> blocks, CancellationToken cancellationToken)
    {
        if (hyperparameters.Count == 0) return;
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in type.DeclaringSyntaxReferences)
            foreach (var name in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<IdentifierNameSyntax>())
                used.Add(name.Identifier.ValueText);
        foreach (var argument in blocks.SelectMany(b => b.Layers).SelectMany(l => l.Arguments))
            if (argument.Code.StartsWith("this.", StringComparison.Ordinal)) used.Add(argument.Code.Substring("this.".Length));
        foreach (var h in hyperparameters)
            if (h.Condition is { } condition) used.Add(condition.Parameter);
        foreach (var h in hyperparameters.Where(h => !used.Contains(h.Name)))
            Report(DiagnosticDescriptors.UnusedHyperparameter, h.Location, h.Name, type.Name);
    }

    /// <summary>Constants and single-expression instance properties of integer type, which layer sizes may read.</summary>
    private static IEnumerable<SizeMember> SizeMembers(List<ISymbol> members, TypeDeclarationSyntax syntax)
    {
        foreach (var member in members)
        {
            switch (member)
            {
                case IFieldSymbol { HasConstantValue: true } field when field.ConstantValue is int or long:
                    yield return new SizeMember(field.Name, Convert.ToString(field.ConstantValue, CultureInfo.InvariantCulture)!);
                    break;
                case IPropertySymbol property when property.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 && !property.IsStatic
                                                   && property.DeclaringSyntaxReferences.Length == 1
                                                   && property.DeclaringSyntaxReferences[0].GetSyntax() is PropertyDeclarationSyntax declaration
                                                   && GetterExpression(declaration) is { } expression:
                    yield return new SizeMember(property.Name, expression.ToString());
                    break;
            }
        }
    }

    private static ExpressionSyntax? GetterExpression(PropertyDeclarationSyntax property)
    {
        if (property.ExpressionBody is { } arrow) return arrow.Expression;
        if (property.AccessorList is not { Accessors.Count: 1 } list || !list.Accessors[0].IsKind(SyntaxKind.GetAccessorDeclaration)) return null;
        var getter = list.Accessors[0];
        if (getter.ExpressionBody is { } getterArrow) return getterArrow.Expression;
        return getter.Body is { Statements.Count: 1 } body && body.Statements[0] is ReturnStatementSyntax { Expression: { } returned } ? returned : null;
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
            return (Array.Empty<int>(), outputs);
        if (input.Any(d => d <= 0))
        {
            Report(DiagnosticDescriptors.InputSizeNotPositive, location, type.Name, string.Join(", ", input.Select(Text)));
            inputReported = true;
            return (Array.Empty<int>(), outputs);
        }
        if (outputs < 0)
            Report(DiagnosticDescriptors.NegativeOutputs, location, type.Name, Text(outputs));
        return (input, outputs);
    }

    // ---- Forward and layers ----------------------------------------------------------------------

    /// <summary>The entry <c>Forward</c> and every partial Tensor method that carries layers.</summary>
    private List<BlockSpec> ParseBlocks(IEnumerable<IMethodSymbol> methods, LocationInfo? classLocation, CancellationToken cancellationToken)
    {
        var blocks = new List<BlockSpec>();
        var sawForward = false;
        foreach (var method in methods)
        {
            var layerAttributes = method.GetAttributes()
                .Where(a => a.ApplicationSyntaxReference is not null && InheritsFrom(a.AttributeClass, TypeNames.LayerAttributeBase))
                .OrderBy(a => a.ApplicationSyntaxReference!.Span.Start)
                .ToList();
            var isForward = method.Name == BlockSpec.ForwardName;
            var frozen = ParseFrozen(method, isForward, layerAttributes.Count > 0, cancellationToken);
            if (!isForward && layerAttributes.Count == 0) continue;

            var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>()
                .FirstOrDefault(m => m.Body is null && m.ExpressionBody is null);
            var location = LocationInfo.From(syntax?.Identifier.GetLocation() ?? method.Locations.FirstOrDefault());
            if (syntax is null || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword) || method.IsStatic || method.IsGenericMethod
                || method.Parameters.Length == 0 || !IsTensor(method.ReturnType) || method.Parameters.Any(p => !IsTensor(p.Type) || p.RefKind != RefKind.None))
            {
                if (isForward)
                    Report(DiagnosticDescriptors.MissingForward, location ?? classLocation, type.Name);
                else
                    Report(DiagnosticDescriptors.InvalidBlockSignature, location, method.Name);
                rejectedBlocks.Add(method);
                sawForward |= isForward;
                continue;
            }
            sawForward |= isForward;

            var inputs = method.Parameters.Select(p => new InputSpec(p.Name, ShapeOf(p).ToEquatableArray())).ToEquatableArray();
            var counters = new Dictionary<string, int>();
            var layers = new List<LayerSpec>();
            foreach (var attribute in layerAttributes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var layerLocation = LocationInfo.From(attribute.ApplicationSyntaxReference!.GetSyntax(cancellationToken));
                if (ParseLayer(attribute, layerLocation, counters, layers) is { } layer) layers.Add(layer);
            }
            blocks.Add(new BlockSpec(method.Name, string.Join(" ", syntax.Modifiers.Select(m => m.Text)), inputs, layers.ToEquatableArray(), location)
            {
                Frozen = frozen,
            });
        }
        if (!sawForward) Report(DiagnosticDescriptors.MissingForward, classLocation, type.Name);
        return blocks;
    }

    /// <summary>
    /// The method's [Frozen] attribute when it is on a block; on Forward (which would freeze the whole model) or on a
    /// method that is no block (where it does nothing) it is reported and dropped.
    /// </summary>
    private FrozenSpec? ParseFrozen(IMethodSymbol method, bool isForward, bool hasLayers, CancellationToken cancellationToken)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.FrozenAttribute);
        if (attribute is null) return null;
        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? LocationInfo.From(method.Locations.FirstOrDefault());
        if (isForward)
        {
            Report(DiagnosticDescriptors.FrozenForward, location, type.Name);
            return null;
        }
        if (!hasLayers)
        {
            Report(DiagnosticDescriptors.FrozenNotABlock, location, method.Name);
            return null;
        }
        var trainBatchNorm = attribute.NamedArguments.Any(n => n.Key == "TrainBatchNorm" && n.Value.Value is true);
        return new FrozenSpec(trainBatchNorm, location);
    }

    private static int[] ShapeOf(IParameterSymbol parameter)
    {
        var shape = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.ShapeAttribute);
        if (shape is null || shape.ConstructorArguments.Length != 1 || shape.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            return [];
        return shape.ConstructorArguments[0].Values.Select(v => v.Value is int i ? i : 0).ToArray();
    }

    /// <summary>
    /// Gives each input of Forward its shape: [Shape] on the parameter, or the model's Input for a single input. After an
    /// error the inputs keep their names (and the generated signature the user's), but some have no shape.
    /// </summary>
    private BlockSpec ResolveInputShapes(BlockSpec forward, int[] modelInput, LocationInfo? attributeLocation)
    {
        var inputs = forward.Inputs.ToList();
        if (inputs.Count == 1 && inputs[0].Shape.IsEmpty)
        {
            if (modelInput.Length == 0)
            {
                if (!inputReported) Report(DiagnosticDescriptors.MissingInputShape, attributeLocation, type.Name);
                return forward;
            }
            inputs[0] = inputs[0] with { Shape = modelInput.ToEquatableArray() };
        }
        else if (inputs.Count == 1 && modelInput.Length > 0)
        {
            Report(DiagnosticDescriptors.InputAndShapeConflict, attributeLocation, type.Name, string.Join(", ", modelInput),
                inputs[0].Name, string.Join(", ", inputs[0].Shape));
            return forward;
        }
        else if (inputs.Count > 1 && modelInput.Length > 0)
        {
            Report(DiagnosticDescriptors.InputWithSeveralForwardInputs, attributeLocation, type.Name, Text(inputs.Count));
            return forward;
        }
        foreach (var input in inputs)
        {
            if (input.Shape.IsEmpty || input.Shape.Any(d => d <= 0))
            {
                Report(DiagnosticDescriptors.ForwardInputNeedsShape, forward.Location, type.Name, input.Name);
                return forward;
            }
        }
        return forward with { Inputs = inputs.ToEquatableArray() };
    }

    private LayerSpec? ParseLayer(AttributeData attribute, LocationInfo? location, Dictionary<string, int> counters, List<LayerSpec> previous)
    {
        var className = attribute.AttributeClass!.Name;
        var kindName = className.EndsWith("Attribute", StringComparison.Ordinal) ? className.Substring(0, className.Length - "Attribute".Length) : className;
        var definition = LayerCatalog.Find(kindName);
        if (definition is null)
        {
            Report(DiagnosticDescriptors.UnknownLayer, location, kindName);
            return null;
        }
        // Code that does not bind (missing or wrong arguments) already has a compiler error; add nothing, crash never.
        var args = attribute.ConstructorArguments;
        if (attribute.AttributeConstructor is null || args.Any(a => a.Kind == TypedConstantKind.Error) || !definition.Arities.Contains(args.Length))
            return null;
        var reader = new LayerReader(kindName, attribute, type, location, diagnostics);
        if (!definition.Read(reader)) return null;

        var spec = new LayerSpec(definition.Name, "", reader.Arguments.ToEquatableArray(), location);
        var fieldName = FieldName(definition, spec, attribute, counters, previous, location);
        return fieldName is null ? null : spec with { FieldName = fieldName };
    }

    private string? FieldName(LayerDefinition definition, LayerSpec spec, AttributeData attribute, Dictionary<string, int> counters, List<LayerSpec> previous, LocationInfo? location)
    {
        var custom = attribute.NamedArguments.FirstOrDefault(n => n.Key == "Name").Value.Value as string;
        string name;
        if (!string.IsNullOrEmpty(custom))
        {
            if (!SyntaxFacts.IsValidIdentifier(custom) || SyntaxFacts.GetKeywordKind(custom!) != SyntaxKind.None)
            {
                Report(DiagnosticDescriptors.InvalidLayerName, location, definition.Name, custom!);
                return null;
            }
            name = custom!;
        }
        else if (definition.PreferredFieldName(spec) is { } preferred)
        {
            name = preferred;
        }
        else
        {
            // Names follow TorchSharp and PyTorch habits so state_dict keys read like hand-written ones. They depend on the
            // block's layers alone, never on the user's other members: a clash with one is reported, not dodged.
            var prefix = definition.FieldPrefix;
            counters.TryGetValue(prefix, out var count);
            do
            {
                count++;
                name = prefix + count.ToString(CultureInfo.InvariantCulture);
            }
            while (previous.Any(p => p.FieldName == name));
            counters[prefix] = count;
        }
        if (previous.Any(p => p.FieldName == name))
        {
            Report(DiagnosticDescriptors.DuplicateName, location, name, type.Name);
            return null;
        }
        return name;
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool IsTensor(ITypeSymbol type) => type.ToDisplayString() == TypeNames.TorchTensor;

    private static bool InheritsFrom(INamedTypeSymbol? type, string baseName)
    {
        for (var current = type?.BaseType; current is not null; current = current.BaseType)
            if (current.ToDisplayString() == baseName) return true;
        return false;
    }
}
