using System.Linq;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator;

/// <summary>
/// Expands every <c>[Model]</c> partial class into a TorchSharp module: parse (symbols to an equatable spec),
/// check (shapes and diagnostics), emit (text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TypeNames.ModelAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => ModelParser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.ParsedModels);

        var checkedModels = parsed
            .Where(static p => p.Model is not null)
            .Select(static (p, cancellationToken) => ShapeChecker.Check(p.Model!, cancellationToken))
            .WithTrackingName(TrackingNames.CheckedModels);

        context.RegisterSourceOutput(parsed.Select(static (p, _) => p.Diagnostics).WithTrackingName(TrackingNames.Diagnostics), static (spc, list) =>
        {
            foreach (var diagnostic in list) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        context.RegisterSourceOutput(checkedModels, static (spc, model) =>
        {
            foreach (var diagnostic in model.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            spc.AddSource(model.Model.HintName("Model"), ModelEmitter.Emit(model));
        });

        var anyModel = parsed.Collect()
            .Select(static (all, _) => all.Any(p => p.Model is not null))
            .WithTrackingName(TrackingNames.AnyModel);
        context.RegisterSourceOutput(anyModel, static (spc, any) =>
        {
            if (any) spc.AddSource("Dsl.ModuleInitializer.g.cs", ModuleInitializerEmitter.Source);
        });
    }
}
