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

/// <summary>Reads a [Sweep] class into an equatable <see cref="SweepSpec"/>; reports misuse, never throws.</summary>
internal static class SweepParser
{
    public static ParsedSweep Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax syntax)
            return new ParsedSweep(null, EquatableArray<DiagnosticInfo>.Empty);
        var location = LocationInfo.From(syntax.Identifier.GetLocation());
        void Report(DiagnosticDescriptor descriptor, LocationInfo? at, params string[] arguments) =>
            diagnostics.Add(DiagnosticInfo.Create(descriptor, at, arguments));
        ParsedSweep Fail() => new(null, diagnostics.ToEquatableArray());

        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Report(DiagnosticDescriptors.ModelMustBePartial, location, type.Name);
            return Fail();
        }
        if (type.ContainingType is not null || type.IsGenericType)
        {
            Report(type.ContainingType is not null ? DiagnosticDescriptors.NestedDeclaration : DiagnosticDescriptors.GenericDeclaration, location, type.Name);
            return Fail();
        }

        var attribute = context.Attributes[0];
        var attributeLocation = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? location;
        var model = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        if (model is null || !model.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TypeNames.ModelAttribute))
        {
            Report(DiagnosticDescriptors.SweepTargetNotModel, attributeLocation, type.Name, model?.ToDisplayString() ?? "nothing");
            return Fail();
        }

        var metric = "Accuracy";
        string? direction = null;
        var epochs = 6;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Metric" when named.Value.Value is int m && named.Value.Type is INamedTypeSymbol metricType:
                    metric = metricType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, m))?.Name ?? metric;
                    break;
                case "Direction" when named.Value.Value is int d:
                    direction = d == 0 ? "Minimize" : "Maximize";
                    break;
                case "Epochs" when named.Value.Value is int e:
                    epochs = e;
                    break;
            }
        }
        if (epochs < 1)
        {
            Report(DiagnosticDescriptors.SweepEpochsBelowOne, attributeLocation, type.Name, epochs.ToString(CultureInfo.InvariantCulture));
            return Fail();
        }
        // A metric's natural direction, unless the user says otherwise: losses go down, scores go up.
        direction ??= metric == "Loss" ? "Minimize" : "Maximize";

        var members = SymbolOrder.SourceMembers(type);
        var hyperparameters = new HyperparameterParser(type, diagnostics).ParseAll(members, cancellationToken);

        var modelHyperparameters = model.GetMembers().OfType<IPropertySymbol>()
            .Where(p => p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TypeNames.HyperparameterAttribute))
            .Select(p => p.Name)
            .ToList();
        var options = BindableTrainingOptions.Read(context.SemanticModel.Compilation);
        var bindings = new List<TrainingOptionBinding>();
        foreach (var h in hyperparameters)
        {
            if (modelHyperparameters.Contains(h.Name))
            {
                Report(DiagnosticDescriptors.SweepHyperparameterShadowsModel, h.Location, h.Name, model.Name);
                continue;
            }
            var option = options.FirstOrDefault(o => o.Name == h.Name);
            var source = option?.Sources.FirstOrDefault(s => s.Accepts(h));
            if (source is null)
            {
                var declared = h.TypeName.Replace("global::", "");
                if (option is null)
                    Report(DiagnosticDescriptors.UnknownTrainingOption, h.Location, type.Name, h.Name, declared,
                        string.Join(", ", options.Select(o => o.Name + " (" + o.Needs + ")")));
                else
                    Report(DiagnosticDescriptors.TrainingOptionWrongType, h.Location, type.Name, h.Name, declared, option.Needs);
                continue;
            }
            bindings.Add(new TrainingOptionBinding(h.Name, h.Name, source.Conversion));
        }

        var spec = new SweepSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            model.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            metric,
            direction,
            epochs,
            hyperparameters.ToEquatableArray(),
            bindings.ToEquatableArray(),
            location,
            HasCommandLine: context.SemanticModel.Compilation.GetTypeByMetadataName(TypeNames.SweepCommandLine) is not null);
        return new ParsedSweep(spec, diagnostics.ToEquatableArray());
    }
}
