using System.Text;
using System.Text.Json;
using Dsl.Search;

namespace Dsl.Sweeps.Output;

/// <summary>
/// A parameter as an Optuna distribution (<c>FloatDistribution</c>, <c>IntDistribution</c> or
/// <c>CategoricalDistribution</c>): its JSON as Optuna's <c>distribution_to_json</c> writes it, and each value's internal
/// representation (the number itself, or a choice's index).
/// </summary>
/// <remarks>
/// The declared range is widened to every value the trials hold: a stored study outlives its code, and Optuna would
/// otherwise load a value outside its own distribution. Enum choices are written by name; booleans, numbers and strings
/// as themselves, the kinds Optuna's categoricals hold.
/// </remarks>
internal sealed class OptunaDistribution
{
    private readonly Func<object, double?> toInternal;

    private OptunaDistribution(string json, Func<object, double?> toInternal)
    {
        Json = json;
        this.toInternal = toInternal;
    }

    /// <summary>The distribution as <c>{"name": ..., "attributes": {...}}</c> text.</summary>
    public string Json { get; }

    /// <summary>The value as Optuna stores it, or null when it cannot be one of this distribution's values (NaN, say).</summary>
    public double? Internal(object value) => toInternal(value);

    /// <summary>The distribution of a declared parameter, widened to <paramref name="values"/>.</summary>
    public static OptunaDistribution For(ParameterSpec spec, IEnumerable<object> values) => spec switch
    {
        FloatParameter f => Float(Widen(f.Low, f.High, values), f.Log, f.Step),
        IntParameter i => Int(Widen(i.Low, i.High, values), i.Log, i.Step),
        CategoricalParameter c => Categorical(c.Choices, values),
        _ => Categorical([], values),
    };

    /// <summary>The distribution of a parameter the search space does not declare, read off its values.</summary>
    public static OptunaDistribution Infer(IReadOnlyList<object> values)
    {
        if (values.Count > 0 && values.All(v => v is long or int or short or byte))
            return Int(Widen(double.PositiveInfinity, double.NegativeInfinity, values), false, 1);
        if (values.Count > 0 && values.All(v => v is double or float or long or int or short or byte) && values.Any(v => Finite(v) is not null))
            return Float(Widen(double.PositiveInfinity, double.NegativeInfinity, values), false, 0);
        return Categorical([], values);
    }

    private static OptunaDistribution Float((double Low, double High) range, bool log, double step)
    {
        // Optuna allows no step on a log scale and no log scale below zero; the values stay valid either way.
        log = log && range.Low > 0;
        double? stepped = !log && step > 0 ? step : null;
        var json = Serialize("FloatDistribution", w =>
        {
            if (stepped is { } s) w.WriteNumber("step", s);
            else w.WriteNull("step");
            w.WriteNumber("low", range.Low);
            w.WriteNumber("high", range.High);
            w.WriteBoolean("log", log);
        });
        return new OptunaDistribution(json, Finite);
    }

    private static OptunaDistribution Int((double Low, double High) range, bool log, long step)
    {
        log = log && range.Low >= 1;
        var json = Serialize("IntDistribution", w =>
        {
            w.WriteBoolean("log", log);
            w.WriteNumber("step", log ? 1 : Math.Max(1, step));
            w.WriteNumber("low", (long)Math.Floor(range.Low));
            w.WriteNumber("high", (long)Math.Ceiling(range.High));
        });
        return new OptunaDistribution(json, v => ParameterValues.TryToInt64(v, out var n) ? n : null);
    }

    private static OptunaDistribution Categorical(IReadOnlyList<object> declared, IEnumerable<object> values)
    {
        var choices = new CategoricalParameter("choices", declared.Where(c => c is not null).ToList(), 0);
        foreach (var value in values)
        {
            if (choices.IndexOf(value) < 0)
                choices = choices with { Choices = [.. choices.Choices, value] };
        }
        var json = Serialize("CategoricalDistribution", w =>
        {
            w.WriteStartArray("choices");
            foreach (var choice in choices.Choices)
                WriteChoice(w, choice);
            w.WriteEndArray();
        });
        return new OptunaDistribution(json, v => choices.IndexOf(v) is var index and >= 0 ? index : null);
    }

    private static void WriteChoice(Utf8JsonWriter json, object choice)
    {
        switch (choice)
        {
            case bool b: json.WriteBooleanValue(b); break;
            case long or int or short or byte: json.WriteNumberValue(Convert.ToInt64(choice, System.Globalization.CultureInfo.InvariantCulture)); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            // Enums by name, which is how the stores and the command line spell them too.
            default: json.WriteStringValue(SweepText.ParameterExact(choice)); break;
        }
    }

    private static (double Low, double High) Widen(double low, double high, IEnumerable<object> values)
    {
        foreach (var value in values)
        {
            if (Finite(value) is { } x)
                (low, high) = (Math.Min(low, x), Math.Max(high, x));
        }
        // A parameter no trial took a number for still needs a range.
        return low <= high ? (low, high) : (0, 0);
    }

    private static double? Finite(object value) => ParameterValues.TryToDouble(value, out var x) && double.IsFinite(x) ? x : null;

    private static string Serialize(string name, Action<Utf8JsonWriter> attributes)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, OptunaJournal.Relaxed))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteStartObject("attributes");
            attributes(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
