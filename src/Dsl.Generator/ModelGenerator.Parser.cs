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
            Report(DiagnosticDescriptors.NestedDeclaration, classLocation, type.Name);
            return null;
        }
        if (type.IsGenericType)
        {
            Report(DiagnosticDescriptors.GenericDeclaration, classLocation, type.Name);
            return null;
        }

        var attributeLocation = LocationInfo.From(modelAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? classLocation;
        var (input, outputs) = ParseModelAttribute(modelAttribute, attributeLocation);

        var members = SymbolOrder.SourceMembers(type);

        var hyperparameters = new HyperparameterParser(type, diagnostics).ParseAll(members, cancellationToken);

        var blocks = ParseBlocks(members.OfType<IMethodSymbol>(), classLocation, cancellationToken);
        var forward = blocks.FirstOrDefault(b => b.IsForward);
        if (forward is not null)
        {
            var resolved = ResolveInputShapes(forward, input, attributeLocation);
            blocks[blocks.IndexOf(forward)] = forward = resolved;
            input = resolved.Inputs.Count > 0 ? [.. resolved.Inputs[0].Shape] : [];
        }

        return new ModelSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            input.ToEquatableArray(),
            outputs,
            hyperparameters.ToEquatableArray(),
            blocks.ToEquatableArray(),
            classLocation,
            // A layer dropped for a reported error would make the shape check report a second, misleading error.
            HasParseErrors: diagnostics.Count > 0);
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
            blocks.Add(new BlockSpec(method.Name, string.Join(" ", syntax.Modifiers.Select(m => m.Text)), inputs, layers.ToEquatableArray(), location));
        }
        if (!sawForward) Report(DiagnosticDescriptors.MissingForward, classLocation, type.Name);
        return blocks;
    }

    private static int[] ShapeOf(IParameterSymbol parameter)
    {
        var shape = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.ShapeAttribute);
        if (shape is null || shape.ConstructorArguments.Length != 1 || shape.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            return [];
        return shape.ConstructorArguments[0].Values.Select(v => v.Value is int i ? i : 0).ToArray();
    }

    /// <summary>TorchSharp's widest module type, Module&lt;T1, ..., T6, TResult&gt;; DSL0064's message names the same limit.</summary>
    private const int MaxInputs = 6;

    /// <summary>Gives each input of Forward its shape: [Shape] on the parameter, or the model's Input for a single input.</summary>
    private BlockSpec ResolveInputShapes(BlockSpec forward, int[] modelInput, LocationInfo? attributeLocation)
    {
        var inputs = forward.Inputs.ToList();
        // TorchSharp's Module<T1, ..., T6, TResult> is the widest there is; the trainer and sweeps take every arity up to it.
        if (inputs.Count > MaxInputs)
        {
            Report(DiagnosticDescriptors.TooManyInputs, forward.Location, type.Name, inputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return forward with { Inputs = EquatableArray<InputSpec>.Empty };
        }
        if (inputs.Count == 1 && inputs[0].Shape.IsEmpty)
        {
            if (modelInput.Length == 0)
            {
                if (!inputReported) Report(DiagnosticDescriptors.MissingInputShape, attributeLocation, type.Name);
                return forward with { Inputs = EquatableArray<InputSpec>.Empty };
            }
            inputs[0] = inputs[0] with { Shape = modelInput.ToEquatableArray() };
        }
        else if (inputs.Count > 1 && modelInput.Length > 0)
        {
            Report(DiagnosticDescriptors.InputWithSeveralForwardInputs, attributeLocation, type.Name, Text(inputs.Count));
            return forward with { Inputs = EquatableArray<InputSpec>.Empty };
        }
        foreach (var input in inputs)
        {
            if (input.Shape.IsEmpty || input.Shape.Any(d => d <= 0))
            {
                Report(DiagnosticDescriptors.ForwardInputNeedsShape, forward.Location, type.Name, input.Name);
                return forward with { Inputs = EquatableArray<InputSpec>.Empty };
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
            // Names follow TorchSharp and PyTorch habits so state_dict keys read like hand-written ones.
            var prefix = definition.FieldPrefix;
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
