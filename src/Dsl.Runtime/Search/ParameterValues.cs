using System.Globalization;
using System.Text.Json;

namespace Dsl.Search;

/// <summary>
/// Converts assignment values back to typed hyperparameters. Values may come from a sampler (long, double, the choice),
/// or from storage as JSON or strings, so each conversion accepts all of those and names the parameter when it cannot.
/// </summary>
public static class ParameterValues
{
    /// <summary>Reads an int value.</summary>
    public static int ToInt32(object value, string parameter) => checked((int)ToInt64(value, parameter));

    /// <summary>Reads a long value; reals must be integral.</summary>
    public static long ToInt64(object value, string parameter)
    {
        switch (Unwrap(value))
        {
            case long l: return l;
            case int i: return i;
            case double d when d == Math.Floor(d) && !double.IsInfinity(d): return (long)d;
            case string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed): return parsed;
            case var other: throw Invalid(parameter, other, "an integer");
        }
    }

    /// <summary>Reads a real value.</summary>
    public static double ToDouble(object value, string parameter) => Unwrap(value) switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        var other => throw Invalid(parameter, other, "a number"),
    };

    /// <summary>Reads a boolean value.</summary>
    public static bool ToBoolean(object value, string parameter) => Unwrap(value) switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var parsed) => parsed,
        var other => throw Invalid(parameter, other, "true or false"),
    };

    /// <summary>Reads an enum value from the value itself, its name, or its number.</summary>
    public static TEnum ToEnum<TEnum>(object value, string parameter) where TEnum : struct, Enum => Unwrap(value) switch
    {
        TEnum e => e,
        string s when Enum.TryParse<TEnum>(s, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) => parsed,
        long or int when Enum.ToObject(typeof(TEnum), Unwrap(value)!) is TEnum e && Enum.IsDefined(e) => e,
        var other => throw Invalid(parameter, other, "one of " + string.Join(", ", Enum.GetNames<TEnum>())),
    };

    /// <summary>Reads a string choice.</summary>
    public static string ToChoiceString(object value, string parameter) =>
        Unwrap(value) as string ?? throw Invalid(parameter, value, "a string");

    /// <summary>The plain value behind a JSON element read back from storage (null for JSON null), or the value itself.</summary>
    internal static object? Unwrap(object? value) => value is JsonElement json
        ? json.ValueKind switch
        {
            JsonValueKind.String => json.GetString(),
            JsonValueKind.Number when json.TryGetInt64(out var l) => l,
            JsonValueKind.Number => json.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => json.ToString(),
        }
        : value;

    private static ArgumentException Invalid(string parameter, object? value, string expected) =>
        new($"Hyperparameter '{parameter}' expects {expected}, but got '{value}' ({value?.GetType().Name ?? "null"}).", parameter);
}
