using System.Globalization;

namespace Dsl.Search;

/// <summary>One searchable hyperparameter: its name, default and optional activation condition.</summary>
/// <remarks>Values are boxed as <c>long</c> (integers), <c>double</c> (floats) or the choice object (categoricals).</remarks>
public abstract record ParameterSpec(string Name)
{
    /// <summary>When set, the parameter exists only while another parameter takes one of the listed values.</summary>
    public ParameterCondition? Condition { get; init; }

    /// <summary>The value used when nothing is sampled.</summary>
    public abstract object DefaultValue { get; }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="value"/> is outside this parameter's range.</summary>
    public abstract void Validate(object value);
}

/// <summary>The condition under which a conditional parameter is active.</summary>
public sealed record ParameterCondition(string Parameter, IReadOnlyList<object> Values)
{
    /// <inheritdoc />
    public bool Equals(ParameterCondition? other) =>
        other is not null && Parameter == other.Parameter && Values.SequenceEqual(other.Values);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Parameter, Values.Count);
}

/// <summary>A continuous parameter in [<see cref="Low"/>, <see cref="High"/>], optionally log-scaled or stepped.</summary>
public sealed record FloatParameter(string Name, double Low, double High, double Default, bool Log = false, double Step = 0) : ParameterSpec(Name)
{
    /// <inheritdoc />
    public override object DefaultValue => Default;

    /// <inheritdoc />
    public override void Validate(object value)
    {
        var x = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (!(x >= Low && x <= High))
            throw new ArgumentException(
                $"{Name} = {x.ToString("R", CultureInfo.InvariantCulture)} is outside its range [{Low.ToString("R", CultureInfo.InvariantCulture)}, {High.ToString("R", CultureInfo.InvariantCulture)}].", Name);
    }
}

/// <summary>An integer parameter in [<see cref="Low"/>, <see cref="High"/>], optionally log-scaled or stepped.</summary>
public sealed record IntParameter(string Name, long Low, long High, long Default, bool Log = false, long Step = 1) : ParameterSpec(Name)
{
    /// <inheritdoc />
    public override object DefaultValue => Default;

    /// <inheritdoc />
    public override void Validate(object value)
    {
        var x = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        if (x < Low || x > High)
            throw new ArgumentException($"{Name} = {x} is outside its range [{Low}, {High}].", Name);
    }
}

/// <summary>A categorical parameter over a fixed list of choices (strings, enum values or booleans).</summary>
public sealed record CategoricalParameter(string Name, IReadOnlyList<object> Choices, int DefaultIndex) : ParameterSpec(Name)
{
    /// <inheritdoc />
    public override object DefaultValue => Choices[DefaultIndex];

    /// <summary>The position of <paramref name="value"/> among <see cref="Choices"/>, or -1.</summary>
    public int IndexOf(object value)
    {
        for (var i = 0; i < Choices.Count; i++)
            if (Equals(Choices[i], value)) return i;
        return -1;
    }

    /// <inheritdoc />
    public override void Validate(object value)
    {
        if (IndexOf(value) < 0)
            throw new ArgumentException($"{Name} = {value} is not one of its choices [{string.Join(", ", Choices)}].", Name);
    }

    /// <inheritdoc />
    public bool Equals(CategoricalParameter? other) =>
        other is not null && base.Equals(other) && DefaultIndex == other.DefaultIndex && Choices.SequenceEqual(other.Choices);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), DefaultIndex, Choices.Count);
}
