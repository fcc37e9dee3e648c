using System.Globalization;
using Dsl.Search;
using Dsl.Search.Trials;

namespace Dsl.Reporting;

/// <summary>
/// One parameter as the report draws and models it: its scale, its range (or choices), and where each trial's value
/// sits on a unit axis.
/// </summary>
/// <remarks>
/// The axis is a <see cref="ParameterSpec"/>, the declared one or one read off the trials, and the spec places the
/// values. Stored studies outlive their code: a range may have been widened, a choice added or renamed, or a value read
/// back from a store as a string. The axis therefore widens its spec to every value it is shown instead of rejecting any.
/// </remarks>
internal sealed class ParameterAxis
{
    private ParameterAxis(ParameterSpec spec, bool inferred)
    {
        Spec = spec;
        Inferred = inferred;
    }

    /// <summary>The parameter as drawn: its declaration, widened to the values the trials hold.</summary>
    public ParameterSpec Spec { get; private set; }

    public string Name => Spec.Name;

    public AxisScale Scale => Spec.AxisScale;

    /// <summary>The smallest value on a numeric axis, in the parameter's own units.</summary>
    public double Low => Spec switch { FloatParameter f => f.Low, IntParameter i => i.Low, _ => 0 };

    /// <summary>The largest value on a numeric axis, in the parameter's own units.</summary>
    public double High => Spec switch { FloatParameter f => f.High, IntParameter i => i.High, _ => 0 };

    public IReadOnlyList<object> Choices => Spec is CategoricalParameter c ? c.Choices : [];

    /// <summary>Whether the search space does not declare this parameter and its shape was read off the trials.</summary>
    public bool Inferred { get; }

    public bool IsCategorical => Scale == AxisScale.Categorical;

    /// <summary>Whether a numeric axis only takes whole numbers, so its labels should too.</summary>
    public bool IsInteger => Spec is IntParameter;

    /// <summary>When the parameter is active, as declared; null for unconditional and undeclared parameters.</summary>
    public ParameterCondition? Condition => Spec.Condition;

    /// <summary>The axes of a report: the space's parameters in declaration order, then any others the trials carry.</summary>
    public static IReadOnlyList<ParameterAxis> Build(SearchSpace space, IReadOnlyList<TrialRecord> trials)
    {
        var axes = new List<ParameterAxis>();
        foreach (var spec in space)
        {
            var axis = spec switch
            {
                FloatParameter f => new ParameterAxis(f with { Low = Math.Min(f.Low, f.High), High = Math.Max(f.Low, f.High) }, false),
                IntParameter i => new ParameterAxis(i with { Low = Math.Min(i.Low, i.High), High = Math.Max(i.Low, i.High) }, false),
                CategoricalParameter c => new ParameterAxis(c with { Choices = c.Choices.Where(v => v is not null).ToList() }, false),
                _ => null,
            };
            if (axis is null)
                continue;
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
    public double? Position(TrialRecord trial) =>
        ReportData.ParametersOf(trial).TryGetValue(Name, out var value) && value is not null ? Spec.AxisPosition(value) : null;

    /// <summary>The trial's value in the parameter's own units, for numeric axes.</summary>
    public double? NumericValue(TrialRecord trial) =>
        !IsCategorical && ReportData.ParametersOf(trial).TryGetValue(Name, out var value) && Number(value) is { } x
        && (Scale != AxisScale.Log || x > 0)
            ? x
            : null;

    /// <summary>The index of the trial's choice, or -1 when the trial lacks the parameter.</summary>
    public int ChoiceIndex(TrialRecord trial) =>
        Spec is CategoricalParameter c && ReportData.ParametersOf(trial).TryGetValue(Name, out var value) && value is not null ? c.IndexOf(value) : -1;

    /// <summary>The value at a position of a numeric axis: the inverse of <see cref="Position"/>, whole on integer axes.</summary>
    public double FromUnit(double u) => Convert.ToDouble(Spec.AxisValue(u), CultureInfo.InvariantCulture);

    /// <summary>What sets the parameter apart (log, categorical, its condition, undeclared), with names and values formatted for the page.</summary>
    public IReadOnlyList<string> Traits(Func<string, string> formatName, Func<object, string> formatValue)
    {
        var traits = new List<string>();
        if (Scale == AxisScale.Log)
            traits.Add("log");
        if (IsCategorical)
            traits.Add("categorical");
        if (Condition is { } condition)
            traits.Add($"only when {formatName(condition.Parameter)} is {string.Join(" or ", condition.Values.Select(formatValue))}");
        if (Inferred)
            traits.Add("not in the search space");
        return traits;
    }

    public string ChoiceLabel(int index) => Format(Choices[index]);

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

    private static double? Number(object? value) => ParameterValues.TryToDouble(value, out var x) && double.IsFinite(x) ? x : null;

    private static bool IsNumber(object? value) => value is double or float or long or int or short or byte or decimal;

    private static ParameterAxis Infer(string name, IReadOnlyList<TrialRecord> trials)
    {
        var values = trials
            .Select(t => ReportData.ParametersOf(t).TryGetValue(name, out var v) ? v : null)
            .Where(v => v is not null)
            .Select(v => v!)
            .ToList();
        if (values.Count > 0 && values.All(IsNumber))
        {
            var numbers = values.Select(Number).OfType<double>().ToList();
            var (low, high) = numbers.Count > 0 ? (numbers.Min(), numbers.Max()) : (0, 1);
            // Without a declaration to go by, positive values spanning three decades or more were almost surely
            // sampled on a log scale (learning rates, weight decays), and a linear axis would crush all but the largest.
            var log = low > 0 && high / low >= 1000;
            return values.All(v => v is long or int or short or byte)
                ? new ParameterAxis(new IntParameter(name, (long)low, (long)high, (long)low, log), true)
                : new ParameterAxis(new FloatParameter(name, low, high, low, log), true);
        }
        var categorical = new ParameterAxis(new CategoricalParameter(name, [], 0), true);
        foreach (var value in values)
            categorical.Widen(value);
        return categorical;
    }

    private void Widen(object value)
    {
        switch (Spec)
        {
            case CategoricalParameter c when c.IndexOf(value) < 0:
                Spec = c with { Choices = [.. c.Choices, value] };
                break;
            case FloatParameter f when Number(value) is { } x && (Scale != AxisScale.Log || x > 0):
                Spec = f with { Low = Math.Min(f.Low, x), High = Math.Max(f.High, x) };
                break;
            case IntParameter i when Number(value) is { } x && (Scale != AxisScale.Log || x > 0):
                Spec = i with { Low = Math.Min(i.Low, (long)Math.Floor(x)), High = Math.Max(i.High, (long)Math.Ceiling(x)) };
                break;
        }
    }
}
