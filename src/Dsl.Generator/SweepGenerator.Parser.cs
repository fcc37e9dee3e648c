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
    /// <summary>The enum type each enum-valued training option takes.</summary>
    private static readonly Dictionary<string, string> EnumOptionTypes = new()
    {
        ["Optimizer"] = "Dsl.Training.OptimizerKind",
        ["Schedule"] = "Dsl.Training.ScheduleKind",
    };

    /// <summary>The TrainingOptions a sweep hyperparameter may set, with the kinds it accepts.</summary>
    private static readonly Dictionary<string, HyperparameterKind[]> TrainingOptions = new()
    {
        ["LearningRate"] = [HyperparameterKind.Double, HyperparameterKind.Float],
        ["Momentum"] = [HyperparameterKind.Double, HyperparameterKind.Float],
        ["WeightDecay"] = [HyperparameterKind.Double, HyperparameterKind.Float],
        ["LabelSmoothing"] = [HyperparameterKind.Double, HyperparameterKind.Float],
        ["GradientClipNorm"] = [HyperparameterKind.Double, HyperparameterKind.Float],
        ["Beta1"] = [HyperparameterKind.Double, HyperparameterKind.Float],
        ["Beta2"] = [HyperparameterKind.Double, HyperparameterKind.Float],
        ["BatchSize"] = [HyperparameterKind.Int, HyperparameterKind.Long],
        ["Epochs"] = [HyperparameterKind.Int, HyperparameterKind.Long],
        ["Nesterov"] = [HyperparameterKind.Bool],
        ["Optimizer"] = [HyperparameterKind.Enum],
        ["Schedule"] = [HyperparameterKind.Enum],
    };

    /// <summary>How a value of each kind becomes the option's type; {0} stands for the hyperparameter.</summary>
    private static string Conversion(string option, HyperparameterKind kind) => option switch
    {
        "Schedule" => "global::Dsl.Training.LearningRateSchedule.For({0})",
        _ when kind == HyperparameterKind.Long => "(int){0}",
        _ => "{0}",
    };

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
        var bindings = new List<TrainingOptionBinding>();
        foreach (var h in hyperparameters)
        {
            if (modelHyperparameters.Contains(h.Name))
            {
                Report(DiagnosticDescriptors.SweepHyperparameterShadowsModel, h.Location, h.Name, model.Name);
                continue;
            }
            if (!TrainingOptions.TryGetValue(h.Name, out var option) || !option.Contains(h.Kind)
                || (h.Kind == HyperparameterKind.Enum && h.TypeName != "global::" + EnumOptionTypes[h.Name]))
            {
                var declared = h.TypeName.Replace("global::", "");
                if (option is null)
                    Report(DiagnosticDescriptors.UnknownTrainingOption, h.Location, type.Name, h.Name, declared,
                        string.Join(", ", TrainingOptions.Select(o => o.Key + " (" + Describe(o.Key, o.Value) + ")")));
                else
                    Report(DiagnosticDescriptors.TrainingOptionWrongType, h.Location, type.Name, h.Name, declared, Describe(h.Name, option));
                continue;
            }
            bindings.Add(new TrainingOptionBinding(h.Name, h.Name, Conversion(h.Name, h.Kind)));
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

    private static string Describe(string option, HyperparameterKind[] kinds) =>
        EnumOptionTypes.TryGetValue(option, out var enumType) ? enumType.Substring(enumType.LastIndexOf('.') + 1) : kinds[0] switch
        {
            HyperparameterKind.Double => "double",
            HyperparameterKind.Int => "int",
            _ => "bool",
        };
}
