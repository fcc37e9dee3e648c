using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dsl.Generator.Helpers;

/// <summary>
/// Writes implementations that throw for partial members the user declared but the generator will not implement,
/// so a reported Dsl error is not followed by CS8795/CS9248 ("partial member must have an implementation part").
/// </summary>
/// <remarks>
/// Types are written fully qualified from the symbols, since the generated file has none of the user's usings;
/// modifiers come from the declaration, which the implementing part must repeat.
/// </remarks>
internal static class PartialMemberStubs
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The stub for <paramref name="member"/>, or null when it needs none (not a partial definition, or already implemented).</summary>
    public static string? For(ISymbol member, string reason, CancellationToken cancellationToken)
    {
        var body = "throw new global::System.InvalidOperationException(" + SymbolDisplay.FormatLiteral(reason, quote: true) + ")";
        return member switch
        {
            IPropertySymbol property => Property(property, body, cancellationToken),
            IMethodSymbol method => Method(method, body, cancellationToken),
            _ => null,
        };
    }

    private static string? Property(IPropertySymbol property, string body, CancellationToken cancellationToken)
    {
        if (property.PartialImplementationPart is not null || property.PartialDefinitionPart is not null) return null;
        var syntax = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<PropertyDeclarationSyntax>()
            .FirstOrDefault(p => p.Modifiers.Any(SyntaxKind.PartialKeyword) && p.AccessorList is { } list && list.Accessors.All(a => a.Body is null && a.ExpressionBody is null));
        if (syntax?.AccessorList is null || property.Type.TypeKind == TypeKind.Error) return null;
        var accessors = syntax.AccessorList.Accessors.Select(a =>
            string.Concat(a.Modifiers.Select(m => m.Text + " ")) + a.Keyword.Text + " => " + body + ";");
        return Modifiers(syntax.Modifiers) + " " + property.Type.ToDisplayString(TypeFormat) + " " + property.Name + " { " + string.Join(" ", accessors) + " }";
    }

    private static string? Method(IMethodSymbol method, string body, CancellationToken cancellationToken)
    {
        if (method.PartialImplementationPart is not null || method.PartialDefinitionPart is not null) return null;
        var syntax = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.Modifiers.Any(SyntaxKind.PartialKeyword) && m.Body is null && m.ExpressionBody is null);
        if (syntax is null || method.ReturnType.TypeKind == TypeKind.Error || method.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error))
            return null;
        // A private void partial method without out parameters may stay unimplemented; the compiler then drops its calls.
        var needsImplementation = syntax.Modifiers.Any(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.PrivateKeyword)
                                                             || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.InternalKeyword))
                                  || !method.ReturnsVoid || method.Parameters.Any(p => p.RefKind == RefKind.Out);
        if (!needsImplementation) return null;

        var typeParameters = method.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", method.TypeParameters.Select(t => t.Name)) + ">";
        var parameters = method.Parameters.Select(p =>
            (p.IsParams ? "params " : "") + RefKindText(p.RefKind) + p.Type.ToDisplayString(TypeFormat) + " @" + p.Name);
        var returnType = (method.ReturnsByRef ? "ref " : method.ReturnsByRefReadonly ? "ref readonly " : "") + method.ReturnType.ToDisplayString(TypeFormat);
        return Modifiers(syntax.Modifiers) + " " + returnType + " " + method.Name + typeParameters + "(" + string.Join(", ", parameters) + ")" +
               Constraints(method.TypeParameters) + " => " + body + ";";
    }

    private static string Modifiers(SyntaxTokenList modifiers) => string.Join(" ", modifiers.Select(m => m.Text));

    private static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In => "in ",
        _ => "",
    };

    private static string Constraints(IEnumerable<ITypeParameterSymbol> typeParameters)
    {
        var clauses = new List<string>();
        foreach (var parameter in typeParameters)
        {
            var constraints = new List<string>();
            if (parameter.HasReferenceTypeConstraint) constraints.Add("class");
            if (parameter.HasUnmanagedTypeConstraint) constraints.Add("unmanaged");
            else if (parameter.HasValueTypeConstraint) constraints.Add("struct");
            if (parameter.HasNotNullConstraint) constraints.Add("notnull");
            constraints.AddRange(parameter.ConstraintTypes.Select(t => t.ToDisplayString(TypeFormat)));
            if (parameter.HasConstructorConstraint) constraints.Add("new()");
            if (constraints.Count > 0) clauses.Add(" where " + parameter.Name + " : " + string.Join(", ", constraints));
        }
        return string.Concat(clauses);
    }
}
