using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator;

/// <summary>Expands every <c>[Sweep]</c> partial class into a strongly typed sweep driver over its model.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class SweepGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var sweeps = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TypeNames.SweepAttribute,
                static (node, _) => node is ClassDeclarationSyntax,
                static (syntaxContext, cancellationToken) => SweepParser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.ParsedSweeps);

        context.RegisterSourceOutput(sweeps, static (spc, parsed) =>
        {
            foreach (var diagnostic in parsed.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            // Rejected hyperparameters are left out of the bindings, so the driver still compiles beside our diagnostic.
            if (parsed.Sweep is { } sweep)
                spc.AddSource(sweep.HintName("Sweep"), SweepEmitter.Emit(sweep));
        });
    }
}
