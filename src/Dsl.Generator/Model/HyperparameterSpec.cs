using Dsl.Generator.Helpers;

namespace Dsl.Generator.Model;

/// <summary>The value kinds a hyperparameter can have; each maps to one search-space parameter type.</summary>
internal enum HyperparameterKind
{
    Int,
    Long,
    Double,
    Float,
    Bool,
    Enum,
    String,
}

/// <summary>One [Hyperparameter] partial property. Literals are C# source text in the invariant culture.</summary>
internal sealed record HyperparameterSpec(
    string Name,
    string Modifiers,
    HyperparameterKind Kind,
    string TypeName,
    string? MinLiteral,
    string? MaxLiteral,
    bool Log,
    string? StepLiteral,
    string DefaultLiteral,
    EquatableArray<string> Choices,
    ConditionSpec? Condition,
    LocationInfo? Location)
{
    public bool IsNumeric => Kind is HyperparameterKind.Int or HyperparameterKind.Long or HyperparameterKind.Double or HyperparameterKind.Float;

    public bool IsInteger => Kind is HyperparameterKind.Int or HyperparameterKind.Long;
}

/// <summary>A [When] condition: active only while <see cref="Parameter"/> is one of the listed values.</summary>
internal sealed record ConditionSpec(string Parameter, EquatableArray<string> ValueLiterals);
