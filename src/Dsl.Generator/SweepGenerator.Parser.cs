using Dsl.Generator.Diagnostics;
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
        // A class with [Model] too is reported by the model generator, which alone writes its members.
        if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TypeNames.ModelAttribute))
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
        // [Sweep] without a model type sweeps the user's own objective method instead of training a model.
        var ofObjective = attribute.ConstructorArguments.Length == 0;
        var model = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as INamedTypeSymbol : null;
        if (!ofObjective && (model is null || !model.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TypeNames.ModelAttribute)))
        {
            Report(DiagnosticDescriptors.SweepTargetNotModel, attributeLocation, type.Name, model?.ToDisplayString() ?? "nothing");
            return Fail();
        }

        var metric = "Accuracy";
        string? direction = null;
        var epochs = 6;
        var steps = 1;
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
                case "Steps" when named.Value.Value is int n:
                    steps = n;
                    break;
            }
        }
        // An objective sweep trains no epochs: its count of reported steps is what must be positive.
        if ((ofObjective ? steps : epochs) is var count && count < 1)
        {
            Report(DiagnosticDescriptors.SweepBudgetBelowOne, attributeLocation, type.Name, ofObjective ? "Steps" : "Epochs",
                count.ToString(CultureInfo.InvariantCulture), ofObjective ? "step" : "epoch");
            return Fail();
        }
        // A metric's natural direction, unless the user says otherwise: losses go down, scores go up. A user's objective
        // is minimised unless it says otherwise, as in Optuna.
        direction ??= ofObjective || metric == "Loss" ? "Minimize" : "Maximize";

        var members = SymbolOrder.SourceMembers(type);
        var hyperparameterParser = new HyperparameterParser(type, diagnostics);
        var hyperparameters = hyperparameterParser.ParseAll(members, cancellationToken);
        var stubReason = type.Name + " has Dsl generator errors; see the compiler's DSL diagnostics.";
        var stubs = hyperparameterParser.Rejected.Select(p => PartialMemberStubs.For(p, stubReason, cancellationToken)).OfType<string>();
        var hasCommandLine = context.SemanticModel.Compilation.GetTypeByMetadataName(TypeNames.SweepCommandLine) is not null;
        var @namespace = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();

        if (model is null)
        {
            var objectiveProblem = ObjectiveProblem(type, context.SemanticModel.Compilation, out var objectiveLocation);
            if (objectiveProblem is not null)
                Report(DiagnosticDescriptors.SweepObjectiveMissing, objectiveLocation ?? attributeLocation, type.Name, objectiveProblem);
            var objectiveSpec = new SweepSpec(@namespace, type.Name, null, metric, direction, epochs, hyperparameters.ToEquatableArray(),
                EquatableArray<TrainingOptionBinding>.Empty, location, hasCommandLine)
            {
                // Without its objective there is nothing to drive: the record and properties are still written, so the
                // class compiles beside the diagnostic.
                ModelUsable = objectiveProblem is null,
                Stubs = stubs.ToEquatableArray(),
                Steps = steps,
            };
            return new ParsedSweep(objectiveSpec, diagnostics.ToEquatableArray());
        }

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
        foreach (var h in hyperparameters.Where(h => bindings.Any(b => b.Hyperparameter == h.Name)))
            if (IgnoredByEveryOptimizer(h, hyperparameters) is { } reason)
                Report(DiagnosticDescriptors.NeverActive, h.Location, h.Name, reason);

        var spec = new SweepSpec(
            @namespace,
            type.Name,
            model.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            metric,
            direction,
            epochs,
            hyperparameters.ToEquatableArray(),
            bindings.ToEquatableArray(),
            location,
            hasCommandLine)
        {
            // The model's own error explains why it has no module; the sweep then leaves out what would name one.
            ModelUsable = ModelDeclarationRules.IsExpandable(model, cancellationToken),
            HasFusion = context.SemanticModel.Compilation.GetTypeByMetadataName(TypeNames.StudyFusion) is not null,
            Stubs = stubs.ToEquatableArray(),
        };
        return new ParsedSweep(spec, diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// Why the class has no usable objective, or null when it declares exactly one instance method
    /// <c>Task&lt;double&gt; ObjectiveAsync(ObjectiveTrial, CancellationToken)</c>; <paramref name="at"/> is the wrong method, if any.
    /// </summary>
    private static string? ObjectiveProblem(INamedTypeSymbol type, Compilation compilation, out LocationInfo? at)
    {
        at = null;
        var candidates = type.GetMembers(ObjectiveMethodName).OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary).ToList();
        if (candidates.Count == 0) return "it declares none";
        var task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        var trial = compilation.GetTypeByMetadataName(TypeNames.ObjectiveTrial);
        var token = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        foreach (var method in candidates)
        {
            var returnsTask = method.ReturnType is INamedTypeSymbol { IsGenericType: true } returned
                              && SymbolEqualityComparer.Default.Equals(returned.OriginalDefinition, task)
                              && returned.TypeArguments[0].SpecialType == SpecialType.System_Double;
            var takes = method.Parameters.Length == 2
                        && method.Parameters.All(p => p.RefKind == RefKind.None)
                        && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, trial)
                        && SymbolEqualityComparer.Default.Equals(method.Parameters[1].Type, token);
            if (returnsTask && takes && !method.IsStatic && !method.IsGenericMethod && method.DeclaredAccessibility != Accessibility.Private)
                return null;
        }
        var first = candidates[0];
        at = LocationInfo.From(first.Locations.FirstOrDefault());
        var signature = first.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat.WithMemberOptions(
            SymbolDisplayMemberOptions.IncludeType | SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeModifiers | SymbolDisplayMemberOptions.IncludeAccessibility));
        return "it declares '" + signature + "' instead";
    }

    private const string ObjectiveMethodName = "ObjectiveAsync";

    /// <summary>The optimizers that read each optimizer-specific option, as Dsl.Training.Optimizers builds them.</summary>
    private static readonly Dictionary<string, string[]> OptimizersUsing = new()
    {
        ["Momentum"] = ["Sgd", "RMSprop"],
        ["Nesterov"] = ["Sgd"],
        ["Beta1"] = ["Adam", "AdamW", "NAdam"],
        ["Beta2"] = ["Adam", "AdamW", "NAdam"],
    };

    /// <summary>
    /// Why a searched option can never take effect: the sweep searches Optimizer, and none of the optimizers it can
    /// run with (its choices, narrowed by the option's own [When]) reads the option; null when some does.
    /// </summary>
    private static string? IgnoredByEveryOptimizer(HyperparameterSpec option, List<HyperparameterSpec> hyperparameters)
    {
        if (!OptimizersUsing.TryGetValue(option.Name, out var users)) return null;
        if (hyperparameters.FirstOrDefault(h => h.Name == "Optimizer" && h.Kind == HyperparameterKind.Enum) is not { } optimizer) return null;
        var possible = optimizer.Choices.Select(Member).ToList();
        if (option.Condition is { Parameter: "Optimizer" } condition)
            possible = possible.Intersect(condition.ValueLiterals.Select(Member)).ToList();
        // An empty set means the [When] itself can never hold, which the hyperparameter parser already reported.
        if (possible.Count == 0 || possible.Any(users.Contains)) return null;
        return "it applies to " + string.Join(" and ", users) + ", but the optimizers it can run with are " + string.Join(", ", possible);
    }

    private static string Member(string enumLiteral) => enumLiteral.Substring(enumLiteral.LastIndexOf('.') + 1);
}
