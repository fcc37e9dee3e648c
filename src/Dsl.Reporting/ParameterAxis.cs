using System.Globalization;
using Dsl.Search;
using Dsl.Search.Trials;

namespace Dsl.Reporting;

/// <summary>How a parameter's values are laid out along a report axis.</summary>
internal enum AxisScale
{
    Linear,
    Log,
    Categorical,
}

/// <summary>
/// One parameter as the report draws and models it: its scale, its range (or choices), and where each trial's value
/// sits on a unit axis.
/// </summary>
/// <remarks>
/// Stored studies outlive their code: a range may have been widened, a choice added or renamed, or a value read back
/// from a store as a string. The axis therefore widens itself to every value it is shown instead of rejecting any.
/// </remarks>
internal sealed class ParameterAxis
{
    private readonly List<object> choices;

    private ParameterAxis(string name, AxisScale scale, double low, double high, IEnumerable<object> choices, bool inferred, bool isInteger = false)
    {
        Name = name;
        Scale = scale;
        Low = low;
        High = high;
        this.choices = choices.ToList();
        Inferred = inferred;
        IsInteger = isInteger;
    }

    public string Name { get; }

    public AxisScale Scale { get; private set; }

    /// <summary>The smallest value on a numeric axis, in the parameter's own units.</summary>
    public double Low { get; private set; }

    /// <summary>The largest value on a numeric axis, in the parameter's own units.</summary>
    public double High { get; private set; }

    public IReadOnlyList<object> Choices => choices;

    /// <summary>Whether the search space does not declare this parameter and its shape was read off the trials.</summary>
    public bool Inferred { get; }

    public bool IsCategorical => Scale == AxisScale.Categorical;

    /// <summary>Whether a numeric axis only takes whole numbers, so its labels should too.</summary>
    public bool IsInteger { get; }

    /// <summary>When the parameter is active, as declared; null for unconditional and undeclared parameters.</summary>
    public ParameterCondition? Condition { get; private set; }

    /// <summary>The axes of a report: the space's parameters in declaration order, then any others the trials carry.</summary>
    public static IReadOnlyList<ParameterAxis> Build(SearchSpace space, IReadOnlyList<TrialRecord> trials)
    {
        var axes = new List<ParameterAxis>();
        foreach (var spec in space)
        {
            var axis = spec switch
            {
                FloatParameter f => Numeric(f.Name, f.Low, f.High, f.Log, isInteger: false),
                IntParameter i => Numeric(i.Name, i.Low, i.High, i.Log, isInteger: true),
                CategoricalParameter c => new ParameterAxis(c.Name, AxisScale.Categorical, 0, 0, c.Choices.Where(v => v is not null), false),
                _ => null,
            };
            if (axis is null)
                continue;
            axis.Condition = spec.Condition;
            foreach (var trial in trials)
                if (ReportData.ParametersOf(trial).TryGetValue(axis.Name, out var value) && value is not null)
                    axis.Widen(value);
            axes.Add(axis);
        }

        var declared = axes.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var extra = trials.SelectMany(t => ReportData.ParametersOf(t).Keys)
            .Where(name => name is not null && !declared.Contains(name))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var name in extra)
            axes.Add(Infer(name, trials));
        return axes;
    }

    /// <summary>Where the trial's value sits in [0, 1]; null when the trial lacks the parameter or the value does not fit.</summary>
    public double? Position(TrialRecord trial)
    {
        if (IsCategorical)
        {
            var index = ChoiceIndex(trial);
            return index < 0 ? null : (index + 0.5) / choices.Count;
        }
        return NumericValue(trial) is { } x ? ToUnit(x) : null;
    }

    /// <summary>The trial's value in the parameter's own units, for numeric axes.</summary>
    public double? NumericValue(TrialRecord trial)
    {
        if (IsCategorical || !ReportData.ParametersOf(trial).TryGetValue(Name, out var value))
            return null;
        var x = ToDouble(value);
        return x is { } v && (Scale != AxisScale.Log || v > 0) ? v : null;
    }

    /// <summary>The index of the trial's choice, or -1 when the trial lacks the parameter.</summary>
    public int ChoiceIndex(TrialRecord trial) =>
        IsCategorical && ReportData.ParametersOf(trial).TryGetValue(Name, out var value) && value is not null ? IndexOf(value) : -1;

    /// <summary>Maps a value in the parameter's units onto [0, 1], linearly or by its logarithm.</summary>
    public double ToUnit(double x)
    {
        var (low, high, t) = Scale == AxisScale.Log ? (Math.Log10(Low), Math.Log10(High), Math.Log10(x)) : (Low, High, x);
        return high > low ? Math.Clamp((t - low) / (high - low), 0, 1) : 0.5;
    }

    /// <summary>The inverse of <see cref="ToUnit"/>, rounded to a whole number on integer axes.</summary>
    public double FromUnit(double u)
    {
        var x = Scale == AxisScale.Log
            ? Math.Pow(10, Math.Log10(Low) + u * (Math.Log10(High) - Math.Log10(Low)))
            : Low + u * (High - Low);
        return IsInteger ? Math.Round(x) : x;
    }

    public string ChoiceLabel(int index) => Format(choices[index]);

    /// <summary>An invariant rendering of a parameter value for labels and tables.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d => ReportData.Number(d),
        float f => ReportData.Number(f),
        decimal m => ReportData.Number((double)m),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Reads a number from any of the forms a value may take in memory or after a store round trip.</summary>
    public static double? ToDouble(object? value)
    {
        var x = value switch
        {
            double d => d,
            float f => f,
            long l => l,
            int i => i,
            short s => s,
            byte b => b,
            decimal m => (double)m,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => double.NaN,
        };
        return double.IsFinite(x) ? x : null;
    }

    private static bool IsNumber(object? value) => value is double or float or long or int or short or byte or decimal;

    private static ParameterAxis Numeric(string name, double low, double high, bool log, bool isInteger)
    {
        // A log axis needs a positive range; a mis-declared one is still worth drawing linearly.
        var scale = log && low > 0 && high > 0 ? AxisScale.Log : AxisScale.Linear;
        return new ParameterAxis(name, scale, Math.Min(low, high), Math.Max(low, high), [], false, isInteger);
    }

    private static ParameterAxis Infer(string name, IReadOnlyList<TrialRecord> trials)
    {
        var values = trials
            .Select(t => ReportData.ParametersOf(t).TryGetValue(name, out var v) ? v : null)
            .Where(v => v is not null)
            .Select(v => v!)
            .ToList();
        if (values.Count > 0 && values.All(IsNumber))
        {
            var numbers = values.Select(ToDouble).OfType<double>().ToList();
            var (low, high) = numbers.Count > 0 ? (numbers.Min(), numbers.Max()) : (0, 1);
            // Without a declaration to go by, positive values spanning three decades or more were almost surely
            // sampled on a log scale (learning rates, weight decays), and a linear axis would crush all but the largest.
            var scale = low > 0 && high / low >= 1000 ? AxisScale.Log : AxisScale.Linear;
            return new ParameterAxis(name, scale, low, high, [], true, values.All(v => v is long or int or short or byte));
        }
        var categorical = new ParameterAxis(name, AxisScale.Categorical, 0, 0, [], true);
        foreach (var value in values)
            categorical.Widen(value);
        return categorical;
    }

    private void Widen(object value)
    {
        if (IsCategorical)
        {
            if (IndexOf(value) < 0)
                choices.Add(value);
            return;
        }
        if (ToDouble(value) is not { } x || (Scale == AxisScale.Log && x <= 0))
            return;
        Low = Math.Min(Low, x);
        High = Math.Max(High, x);
    }

    private int IndexOf(object value)
    {
        for (var i = 0; i < choices.Count; i++)
            if (Equals(choices[i], value))
                return i;
        // Stores give enums back by name and cannot tell 2 from 2.0, so fall back on the invariant spelling.
        var spelled = Format(value);
        for (var i = 0; i < choices.Count; i++)
            if (string.Equals(Format(choices[i]), spelled, StringComparison.Ordinal))
                return i;
        return -1;
    }
}
