using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator;

/// <summary>One way a hyperparameter can set an option: its kind (and enum type), and a format whose {0} is the value.</summary>
internal sealed record OptionSource(HyperparameterKind Kind, string? EnumType, string Conversion)
{
    public bool Accepts(HyperparameterSpec hyperparameter) =>
        hyperparameter.Kind == Kind && (EnumType is null || hyperparameter.TypeName == EnumType);
}

/// <summary>A TrainingOptions property that a sweep hyperparameter of the same name can set.</summary>
internal sealed record BindableOption(string Name, IReadOnlyList<OptionSource> Sources)
{
    /// <summary>The hyperparameter type the option needs, as messages name it: its own type, or each enum it converts from.</summary>
    public string Needs => string.Join(" or ", Sources.Where((s, i) => i == 0 || s.EnumType is not null).Select(Describe).Distinct());

    private static string Describe(OptionSource source) =>
        source.EnumType is { } e ? e.Substring(e.LastIndexOf('.') + 1) : source.Kind.ToString().ToLowerInvariant();
}

/// <summary>
/// Reads which training options a sweep can bind from <c>Dsl.Training.TrainingOptions</c> itself, so a new option needs
/// no generator change. Every public, non-static property with a public <c>init</c> (or <c>set</c>) accessor and no
/// <c>[ExcludeFromSearch]</c> is an option;
/// it is bindable when a hyperparameter can hold a value of its type:
/// <list type="bullet">
/// <item>int, long, double, float, bool, string or an enum, or a nullable of one, from a hyperparameter of that type (an int
/// option also takes a long, cast; a double option also takes a float; a float option a double, cast);</item>
/// <item>any other type T that declares <c>public static T For(E)</c> for an enum E, from a hyperparameter of type E,
/// converted through that method (Schedule from ScheduleKind through <c>LearningRateSchedule.For</c>).</item>
/// </list>
/// </summary>
internal static class BindableTrainingOptions
{
    /// <summary>The bindable options in declaration order; empty when the compilation does not reference the runtime.</summary>
    public static IReadOnlyList<BindableOption> Read(Compilation compilation)
    {
        var options = compilation.GetTypeByMetadataName(TypeNames.TrainingOptions);
        if (options is null) return [];
        var bindable = new List<BindableOption>();
        foreach (var property in options.GetMembers().OfType<IPropertySymbol>())
        {
            if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public
                || property.SetMethod is not { DeclaredAccessibility: Accessibility.Public }
                || property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TypeNames.ExcludeFromSearchAttribute))
                continue;
            var sources = SourcesOf(property.Type);
            if (sources.Count > 0) bindable.Add(new BindableOption(property.Name, sources));
        }
        return bindable;
    }

    private static List<OptionSource> SourcesOf(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            type = nullable.TypeArguments[0];
        switch (type.SpecialType)
        {
            case SpecialType.System_Int32: return [Source(HyperparameterKind.Int), Source(HyperparameterKind.Long, "(int){0}")];
            case SpecialType.System_Int64: return [Source(HyperparameterKind.Long), Source(HyperparameterKind.Int)];
            case SpecialType.System_Double: return [Source(HyperparameterKind.Double), Source(HyperparameterKind.Float)];
            case SpecialType.System_Single: return [Source(HyperparameterKind.Float), Source(HyperparameterKind.Double, "(float){0}")];
            case SpecialType.System_Boolean: return [Source(HyperparameterKind.Bool)];
            case SpecialType.System_String: return [Source(HyperparameterKind.String)];
        }
        if (type.TypeKind == TypeKind.Enum)
            return [new OptionSource(HyperparameterKind.Enum, FullName(type), "{0}")];

        // A type the samplers cannot search directly is bindable through its conversions from an enum: T.For(E).
        return type.GetMembers(TypeNames.OptionConversionMethod).OfType<IMethodSymbol>()
            .Where(m => m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && !m.IsGenericMethod && m.Parameters.Length == 1
                        && m.Parameters[0].Type.TypeKind == TypeKind.Enum && m.Parameters[0].RefKind == RefKind.None
                        && SymbolEqualityComparer.Default.Equals(m.ReturnType, type))
            .Select(m => new OptionSource(HyperparameterKind.Enum, FullName(m.Parameters[0].Type),
                FullName(type) + "." + TypeNames.OptionConversionMethod + "({0})"))
            .ToList();
    }

    private static OptionSource Source(HyperparameterKind kind, string conversion = "{0}") => new(kind, null, conversion);

    private static string FullName(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
