using System;
using System.Collections.Immutable;
using System.Linq;
using Dsl.Generator.Helpers;
using Dsl.Generator.Isolation;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator;

/// <summary>
/// Expands every <c>[Model]</c> partial class into a TorchSharp module: find (syntax), parse (symbols to an equatable
/// spec), check (shapes and diagnostics), emit (text).
/// </summary>
/// <remarks>
/// Parsing binds attributes, which is the expensive part, so it runs only when a model's own files change: a model
/// whose files use no type declared in another file is parsed against a compilation of just those files (see
/// <see cref="ModelInput"/>). Only models that do use such a type are parsed against the whole compilation, which
/// changes on every edit.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class ModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var inputs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TypeNames.ModelAttribute,
                // Records are found too, so [Model] on one is reported rather than silently ignored.
                static (node, _) => node is ClassDeclarationSyntax || (node is RecordDeclarationSyntax record && !record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword)),
                static (syntaxContext, cancellationToken) => ModelSource.From(syntaxContext, cancellationToken))
            .Where(static source => source is not null)
            .WithTrackingName(TrackingNames.ModelSources)
            .Select(static (source, cancellationToken) => ModelInput.Read(source!, cancellationToken));

        var declaredTypes = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax,
                static (syntaxContext, _) => DeclaredType.From(syntaxContext.Node)!)
            .Collect()
            .Select(static (all, _) => new DeclaredTypes(
                all.Distinct().OrderBy(t => t.FilePath, StringComparer.Ordinal).ThenBy(t => t.Name, StringComparer.Ordinal).ToEquatableArray()))
            .WithTrackingName(TrackingNames.DeclaredTypes);

        var globalUsings = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is UsingDirectiveSyntax directive && directive.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword),
                static (syntaxContext, _) => GlobalUsing.From((UsingDirectiveSyntax)syntaxContext.Node))
            .Collect()
            .Select(static (all, _) => all.OrderBy(u => u.FilePath, StringComparer.Ordinal).ThenBy(u => u.Position).ToEquatableArray())
            .WithTrackingName(TrackingNames.GlobalUsings);

        // The one pipeline value that holds compiler objects (see IsolationEnvironment's remarks for why that is safe). It
        // is rebuilt on every compilation change, but compares equal unless the options, references or global usings
        // changed, so the models parsed against it stay cached across ordinary edits; a reference change makes it
        // unequal, and every self-contained model is parsed again against the new references.
        var environment = context.CompilationProvider
            .Combine(context.ParseOptionsProvider)
            .Combine(globalUsings)
            .Select(static (input, _) => new IsolationEnvironment(
                input.Left.Left.AssemblyName,
                (CSharpCompilationOptions)input.Left.Left.Options,
                (CSharpParseOptions)input.Left.Right,
                input.Left.Left.References.ToImmutableArray(),
                input.Right));

        var classified = inputs
            .Combine(declaredTypes)
            .Combine(globalUsings)
            .Select(static (input, _) => input.Left.Left.Classify(input.Left.Right, input.Right));

        var parsedAlone = classified
            .Where(static input => input.SelfContained)
            .Combine(environment)
            .Select(static (input, cancellationToken) =>
                ModelParser.Parse(input.Left.Source, input.Right.Compile(input.Left.Source.Files, cancellationToken), cancellationToken))
            .WithTrackingName(TrackingNames.ParsedModels);

        var parsedInFull = classified
            .Where(static input => !input.SelfContained)
            .Combine(context.CompilationProvider)
            .Select(static (input, cancellationToken) => ModelParser.Parse(input.Left.Source, input.Right, cancellationToken))
            .WithTrackingName(TrackingNames.ParsedModels);

        RegisterOutputs(context, parsedAlone);
        RegisterOutputs(context, parsedInFull);

        var anyModel = parsedAlone.Collect()
            .Combine(parsedInFull.Collect())
            .Select(static (all, _) => all.Left.Any(p => p.Model is not null) || all.Right.Any(p => p.Model is not null))
            .WithTrackingName(TrackingNames.AnyModel);
        var emitModuleInitializer = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => ModuleInitializerEmitter.IsWanted(options.GlobalOptions))
            .WithTrackingName(TrackingNames.ModuleInitializerWanted);
        context.RegisterSourceOutput(anyModel.Combine(emitModuleInitializer), static (spc, input) =>
        {
            if (input.Left && input.Right) spc.AddSource("Dsl.ModuleInitializer.g.cs", ModuleInitializerEmitter.Source);
        });
    }

    private static void RegisterOutputs(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParsedModel> parsed)
    {
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
    }
}
