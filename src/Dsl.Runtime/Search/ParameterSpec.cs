using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Dsl.Search;

/// <summary>One searchable hyperparameter: its name, default, optional activation condition, and how its values are read.</summary>
/// <remarks>
/// A parameter owns its values the way an Optuna distribution does. Every value passes through
/// <see cref="Canonicalize"/> into its canonical form: a boxed <c>long</c> (integers), <c>double</c> (floats) or the
/// choice object itself (categoricals), which is what a model is built from and what samplers and stores exchange.
/// Samplers work in the parameter's internal representation (<see cref="InternalRepresentation"/>), stores write
/// the canonical value as <see cref="StoredParameterValue"/>, two values are compared with
/// <see cref="ParameterValues.SameValue"/>, and reports place a value with <see cref="AxisPosition"/>.
/// </remarks>
public abstract record ParameterSpec(string Name)
{
    /// <summary>When set, the parameter exists only while another parameter takes one of the listed values.</summary>
    public ParameterCondition? Condition { get; init; }

    /// <summary>The value used when nothing is sampled.</summary>
    public abstract object DefaultValue { get; }

    /// <summary>How a report lays this parameter's values along an axis.</summary>
    public abstract AxisScale AxisScale { get; }

    /// <summary>
    /// The canonical value of <paramref name="value"/>, read from whatever form it arrives in: a sampler's or a user's
    /// value, JSON or text from a store or a command line, an enum's name or number.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not one of this parameter's values; the message names the parameter, the value and what was expected.</exception>
    public object Canonicalize(object? value)
    {
        var typed = Coerce(value) ?? throw NotAValue(value);
        return Contains(typed) ? typed : throw OutOfRange(typed);
    }

    /// <summary>Like <see cref="Canonicalize"/>, but says false instead of throwing.</summary>
    public bool TryCanonicalize(object? value, [NotNullWhen(true)] out object? canonical)
    {
        canonical = Coerce(value) is { } typed && Contains(typed) ? typed : null;
        return canonical is not null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="value"/> is not one of this parameter's values.</summary>
    public void Validate(object value) => Canonicalize(value);

    /// <summary>
    /// Where <paramref name="value"/> sits on a report's [0, 1] axis across this parameter's range: by its logarithm on
    /// a log scale, at the centre of its cell for a choice; values beyond the range sit at its ends. Null when the value
    /// cannot be placed (not a number, not a choice, not positive on a log scale).
    /// </summary>
    public abstract double? AxisPosition(object value);

    /// <summary>The value at a position of the report's axis, the inverse of <see cref="AxisPosition"/>: rounded to a whole number for integers.</summary>
    public abstract object AxisValue(double position);

    /// <summary>The value read as this parameter's type (long, double or one of the choices), or null; the range is not checked.</summary>
    internal abstract object? Coerce(object? value);

    /// <summary>Whether a value of this parameter's type lies in its range.</summary>
    internal abstract bool Contains(object typed);

    private protected abstract ArgumentException OutOfRange(object typed);

    private protected abstract ArgumentException NotAValue(object? value);

    private protected static string Display(object? value) => ParameterValues.Unwrap(value) is { } plain ? ParameterValues.Format(plain) : "null";

    private protected static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A position on a numeric axis over [<paramref name="low"/>, <paramref name="high"/>], clamped.</summary>
    private protected static double? NumericAxisPosition(object value, double low, double high, AxisScale scale)
    {
        if (!ParameterValues.TryToDouble(value, out var x) || !double.IsFinite(x) || (scale == AxisScale.Log && x <= 0))
            return null;
        var (from, to, t) = scale == AxisScale.Log ? (Math.Log10(low), Math.Log10(high), Math.Log10(x)) : (low, high, x);
        return to > from ? Math.Clamp((t - from) / (to - from), 0, 1) : 0.5;
    }

    private protected static double NumericAxisValue(double position, double low, double high, AxisScale scale) =>
        scale == AxisScale.Log
            ? Math.Pow(10, Math.Log10(low) + position * (Math.Log10(high) - Math.Log10(low)))
            : low + position * (high - low);

    // A log axis needs a positive range; a mis-declared one is still worth drawing linearly.
    private protected static AxisScale NumericScale(bool log, double low, double high) =>
        log && low > 0 && high > 0 ? AxisScale.Log : AxisScale.Linear;
}

/// <summary>How a parameter's values are laid out along a report's axis.</summary>
public enum AxisScale
{
    /// <summary>Evenly by value.</summary>
    Linear,
    /// <summary>Evenly by the value's logarithm.</summary>
    Log,
    /// <summary>One cell per choice.</summary>
    Categorical,
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
    public override AxisScale AxisScale => NumericScale(Log, Low, High);

    /// <inheritdoc />
    public override double? AxisPosition(object value) => NumericAxisPosition(value, Low, High, AxisScale);

    /// <inheritdoc />
    public override object AxisValue(double position) => NumericAxisValue(position, Low, High, AxisScale);

    internal override object? Coerce(object? value) => ParameterValues.TryToDouble(value, out var x) ? x : null;

    internal override bool Contains(object typed) => (double)typed is var x && x >= Low && x <= High;

    private protected override ArgumentException OutOfRange(object typed) =>
        new($"{Name} = {R((double)typed)} is outside its range [{R(Low)}, {R(High)}].", Name);

    private protected override ArgumentException NotAValue(object? value) =>
        new($"Hyperparameter '{Name}' expects a number, but got {Display(value)}.", Name);
}

/// <summary>An integer parameter in [<see cref="Low"/>, <see cref="High"/>], optionally log-scaled or stepped.</summary>
public sealed record IntParameter(string Name, long Low, long High, long Default, bool Log = false, long Step = 1) : ParameterSpec(Name)
{
    /// <inheritdoc />
    public override object DefaultValue => Default;

    /// <inheritdoc />
    public override AxisScale AxisScale => NumericScale(Log, Low, High);

    /// <inheritdoc />
    public override double? AxisPosition(object value) => NumericAxisPosition(value, Low, High, AxisScale);

    /// <inheritdoc />
    public override object AxisValue(double position) => (long)Math.Round(NumericAxisValue(position, Low, High, AxisScale));

    internal override object? Coerce(object? value) => ParameterValues.TryToInt64(value, out var n) ? n : null;

    internal override bool Contains(object typed) => (long)typed is var n && n >= Low && n <= High;

    private protected override ArgumentException OutOfRange(object typed) =>
        new($"{Name} = {(long)typed} is outside its range [{Low}, {High}].", Name);

    private protected override ArgumentException NotAValue(object? value) =>
        new($"Hyperparameter '{Name}' expects an integer, but got {Display(value)}.", Name);
}

/// <summary>A categorical parameter over a fixed list of choices (strings, enum values or booleans).</summary>
public sealed record CategoricalParameter(string Name, IReadOnlyList<object> Choices, int DefaultIndex) : ParameterSpec(Name)
{
    /// <inheritdoc />
    public override object DefaultValue => Choices[DefaultIndex];

    /// <inheritdoc />
    public override AxisScale AxisScale => AxisScale.Categorical;

    /// <summary>
    /// The position among <see cref="Choices"/> of the choice <paramref name="value"/> stands for, or -1: the choice
    /// itself, or the same value in another form (<see cref="ParameterValues.SameValue"/>).
    /// </summary>
    public int IndexOf(object value)
    {
        for (var i = 0; i < Choices.Count; i++)
            if (Equals(Choices[i], value)) return i;
        for (var i = 0; i < Choices.Count; i++)
            if (ParameterValues.SameValue(Choices[i], value)) return i;
        return -1;
    }

    /// <inheritdoc />
    public override double? AxisPosition(object value) =>
        IndexOf(value) is var index and >= 0 ? (index + 0.5) / Choices.Count : null;

    /// <inheritdoc />
    public override object AxisValue(double position) => Choices[Math.Clamp((int)Math.Floor(position * Choices.Count), 0, Choices.Count - 1)];

    internal override object? Coerce(object? value) =>
        ParameterValues.Unwrap(value) is { } plain && IndexOf(plain) is var index and >= 0 ? Choices[index] : null;

    // A choice is in range by being a choice.
    internal override bool Contains(object typed) => true;

    private protected override ArgumentException OutOfRange(object typed) => NotAValue(typed);

    private protected override ArgumentException NotAValue(object? value) =>
        new($"{Name} = {Display(value)} is not one of its choices [{string.Join(", ", Choices.Select(c => ParameterValues.Format(c)))}].", Name);

    /// <inheritdoc />
    public bool Equals(CategoricalParameter? other) =>
        other is not null && base.Equals(other) && DefaultIndex == other.DefaultIndex && Choices.SequenceEqual(other.Choices);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), DefaultIndex, Choices.Count);
}
