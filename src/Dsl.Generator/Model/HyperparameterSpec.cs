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
/// <remarks>
/// A numeric hyperparameter has either a range (<see cref="MinLiteral"/>, <see cref="MaxLiteral"/>) or
/// <see cref="Choices"/>; every other kind has choices.
/// </remarks>
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
    /// <summary>Values the layers cannot use: the search leaves them out and the record rejects them.</summary>
    public EquatableArray<string> Excluded { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Why <see cref="Excluded"/> values are left out, as the record's error message says it.</summary>
    public string? ExcludedBecause { get; init; }

    /// <summary>Whether the values form a range (numeric min and max) rather than a list of choices.</summary>
    public bool IsRange => MinLiteral is not null;

    public bool IsNumeric => Kind is HyperparameterKind.Int or HyperparameterKind.Long or HyperparameterKind.Double or HyperparameterKind.Float;

    public bool IsInteger => Kind is HyperparameterKind.Int or HyperparameterKind.Long;
}

/// <summary>A [When] condition: active only while <see cref="Parameter"/> is one of the listed values.</summary>
internal sealed record ConditionSpec(string Parameter, EquatableArray<string> ValueLiterals);
