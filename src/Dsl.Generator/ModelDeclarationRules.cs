using Dsl.Generator.Diagnostics;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator;

/// <summary>
/// What keeps a [Model] class from being expanded into a module: a record, an abstract, nested or generic class, a
/// [Sweep] on the same class, or a user member that takes the name of a generated one. Shared by the model generator,
/// which reports them, and the sweep generator, which then leaves out what would name the missing module.
/// </summary>
internal static class ModelDeclarationRules
{
    /// <summary>TorchSharp's widest module type, Module&lt;T1, ..., T6, TResult&gt;; DSL0064's message names the same limit.</summary>
    private const int MaxInputs = 6;

    /// <summary>Members the generator writes into every model besides its layer fields.</summary>
    private static readonly string[] GeneratedMembers = ["InputShape", "HyperparameterValues", "SearchSpace", "Hyperparameters"];

    /// <summary>Generated methods, which the user's own methods may overload.</summary>
    private static readonly string[] GeneratedMethods = ["Create", "Load", "forward", "Dispose"];

    /// <summary>Every problem of the declaration of <paramref name="type"/>, each located where the user fixes it.</summary>
    public static List<DiagnosticInfo> Problems(INamedTypeSymbol type, TypeDeclarationSyntax syntax, List<ISymbol> members, CancellationToken cancellationToken)
    {
        var problems = new List<DiagnosticInfo>();
        var classLocation = LocationInfo.From(syntax.Identifier.GetLocation());
        void Problem(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            problems.Add(DiagnosticInfo.Create(descriptor, location, arguments));

        if (syntax is RecordDeclarationSyntax)
            Problem(DiagnosticDescriptors.ModelOnRecord, classLocation, type.Name);
        else if (type.IsAbstract)
            Problem(DiagnosticDescriptors.ModelOnAbstractClass, classLocation, type.Name);
        if (type.IsStatic)
            Problem(DiagnosticDescriptors.StaticModel, classLocation, type.Name);
        else if (type.BaseType is { SpecialType: not SpecialType.System_Object } declaredBase && syntax is not RecordDeclarationSyntax
                 && declaredBase.ToDisplayString() != ExpectedBase(type))
            Problem(DiagnosticDescriptors.ModelWithBaseClass, classLocation, type.Name, declaredBase.ToDisplayString(), ExpectedBase(type));
        if (type.ContainingType is not null)
            Problem(DiagnosticDescriptors.NestedDeclaration, classLocation, type.Name);
        else if (type.IsGenericType)
            Problem(DiagnosticDescriptors.GenericDeclaration, classLocation, type.Name);
        // TorchSharp's Module<T1, ..., T6, TResult> is the widest there is; the trainer and sweeps take every arity up to it.
        if (type.GetMembers("Forward").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length > MaxInputs) is { } wide)
            Problem(DiagnosticDescriptors.TooManyInputs, LocationInfo.From(wide.Locations.FirstOrDefault()), type.Name,
                wide.Parameters.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == TypeNames.SweepAttribute) is { } sweep)
            Problem(DiagnosticDescriptors.ModelAndSweep, LocationInfo.From(sweep.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? classLocation, type.Name);
        foreach (var member in members.Where(m => m is not IMethodSymbol { MethodKind: not MethodKind.Ordinary }))
        {
            var what = GeneratedMembers.Contains(member.Name) ? "a member"
                : GeneratedMethods.Contains(member.Name) && member is not IMethodSymbol ? "a method"
                : null;
            if (what is not null)
                Problem(DiagnosticDescriptors.GeneratedNameClash, LocationInfo.From(member.Locations.FirstOrDefault()), member.Name, what, type.Name);
        }
        foreach (var constructor in members.OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Constructor && !m.IsStatic))
        {
            // The generated constructors take nothing, or the generated Hyperparameters record (not yet a type while parsing).
            var clashes = constructor.Parameters.Length == 0
                          || (constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.Name == "Hyperparameters"
                              && constructor.Parameters[0].RefKind == RefKind.None);
            if (clashes)
                Problem(DiagnosticDescriptors.ConstructorClash, LocationInfo.From(constructor.Locations.FirstOrDefault()), type.Name,
                    type.Name + "(" + string.Join(", ", constructor.Parameters.Select(p => p.Type.Name)) + ")");
        }
        return problems;
    }

    /// <summary>The module type the generated part derives from: one Tensor per input of Forward, then the output.</summary>
    private static string ExpectedBase(INamedTypeSymbol type)
    {
        var inputs = type.GetMembers("Forward").OfType<IMethodSymbol>().FirstOrDefault()?.Parameters.Length ?? 1;
        return "TorchSharp.torch.nn.Module<" + string.Join(", ", Enumerable.Repeat("TorchSharp.torch.Tensor", Math.Max(1, inputs) + 1)) + ">";
    }

    /// <summary>Whether the generator expands <paramref name="type"/> into a module that other generated code may name.</summary>
    public static bool IsExpandable(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var declarations = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
        // A model from a referenced assembly was expanded when that assembly was built.
        if (declarations.Count == 0) return true;
        if (declarations.Any(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword))) return false;
        return Problems(type, declarations[0], SymbolOrder.SourceMembers(type), cancellationToken).Count == 0;
    }
}
