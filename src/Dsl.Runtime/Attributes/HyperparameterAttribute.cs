namespace Dsl;

/// <summary>Declares a partial property as a hyperparameter: a value with a default and a search range.</summary>
/// <remarks>
/// The property's type picks the kind: <c>int</c>/<c>long</c> (integer range), <c>double</c>/<c>float</c>
/// (continuous range), an enum (categorical over its members), <c>bool</c>, or <c>string</c>
/// (categorical over <see cref="Choices"/>).
/// </remarks>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class HyperparameterAttribute : Attribute
{
    /// <summary>A categorical, boolean or enum hyperparameter: the range comes from the property's type or <see cref="Choices"/>.</summary>
    public HyperparameterAttribute() { }

    /// <summary>An integer hyperparameter in the inclusive range [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public HyperparameterAttribute(int min, int max) { Min = min; Max = max; }

    /// <summary>A continuous hyperparameter in the range [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public HyperparameterAttribute(double min, double max) { Min = min; Max = max; }

    /// <summary>Lower bound of the range, inclusive.</summary>
    public double Min { get; }

    /// <summary>Upper bound of the range, inclusive.</summary>
    public double Max { get; }

    /// <summary>The value used when nothing is sampled; must lie inside the range.</summary>
    public object? Default { get; set; }

    /// <summary>Sample on a logarithmic scale; requires a positive minimum.</summary>
    public bool Log { get; set; }

    /// <summary>Grid step inside the range (0: continuous, or 1 for integers).</summary>
    public double Step { get; set; }

    /// <summary>The choices of a categorical hyperparameter over strings, or a subset of an enum's members.</summary>
    public object[]? Choices { get; set; }
}

/// <summary>Makes a hyperparameter conditional: it is only active when another hyperparameter takes one of the given values.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class WhenAttribute : Attribute
{
    /// <summary>Active only while <paramref name="parameter"/> equals one of <paramref name="values"/>.</summary>
    public WhenAttribute(string parameter, params object[] values) { Parameter = parameter; Values = values; }

    /// <summary>Name of the hyperparameter this one depends on (use <c>nameof</c>).</summary>
    public string Parameter { get; }

    /// <summary>The values of <see cref="Parameter"/> that make this hyperparameter active.</summary>
    public object[] Values { get; }
}
