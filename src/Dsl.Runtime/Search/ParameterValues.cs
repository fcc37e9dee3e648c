using System.Globalization;
using System.Text.Json;

namespace Dsl.Search;

/// <summary>
/// Reads parameter values in every form they take, and says when two of them are the same value. Values may come
/// from a sampler (long, double, the choice), a user, or storage as JSON or strings, so each conversion accepts all of
/// those and names the parameter when it cannot. Generated <c>FromValues</c> methods convert with the typed readers.
/// </summary>
public static class ParameterValues
{
    /// <summary>Reads an int value.</summary>
    public static int ToInt32(object value, string parameter) => checked((int)ToInt64(value, parameter));

    /// <summary>Reads a long value; reals must be integral.</summary>
    public static long ToInt64(object value, string parameter) =>
        TryToInt64(value, out var n) ? n : throw Invalid(parameter, Unwrap(value), "an integer");

    /// <summary>Reads a real value.</summary>
    public static double ToDouble(object value, string parameter) =>
        TryToDouble(value, out var x) ? x : throw Invalid(parameter, Unwrap(value), "a number");

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

    /// <summary>Reads a whole number from a number (a real only when integral), JSON, or invariant text.</summary>
    public static bool TryToInt64(object? value, out long number)
    {
        switch (Unwrap(value))
        {
            case long l: number = l; return true;
            case int i: number = i; return true;
            case short s: number = s; return true;
            case byte b: number = b; return true;
            case double d when d == Math.Floor(d) && !double.IsInfinity(d): number = (long)d; return true;
            case string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed): number = parsed; return true;
            default: number = 0; return false;
        }
    }

    /// <summary>Reads a real from a number, JSON, or invariant text.</summary>
    public static bool TryToDouble(object? value, out double number)
    {
        switch (Unwrap(value))
        {
            case double d: number = d; return true;
            case float f: number = f; return true;
            case long l: number = l; return true;
            case int i: number = i; return true;
            case short s: number = s; return true;
            case byte b: number = b; return true;
            case decimal m: number = (double)m; return true;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed): number = parsed; return true;
            default: number = 0; return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> are the same parameter value in different forms, as values
    /// read back from a store, a command line or a CSV file are: 2 and 2.0, an enum and its name or its number.
    /// </summary>
    public static bool SameValue(object? a, object? b)
    {
        a = Unwrap(a);
        b = Unwrap(b);
        if (Equals(a, b)) return true;
        if (a is null || b is null) return false;
        if (IsNumber(a) && IsNumber(b))
            return Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture);
        if (a is Enum ea && IsInteger(b)) return Convert.ToInt64(ea, CultureInfo.InvariantCulture) == Convert.ToInt64(b, CultureInfo.InvariantCulture);
        if (b is Enum eb && IsInteger(a)) return Convert.ToInt64(eb, CultureInfo.InvariantCulture) == Convert.ToInt64(a, CultureInfo.InvariantCulture);
        // Stores and command lines spell choices as text: an enum by its name, a number by its invariant digits.
        return string.Equals(Convert.ToString(a, CultureInfo.InvariantCulture), Convert.ToString(b, CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>
    /// The canonical form of a value when no <see cref="ParameterSpec"/> is at hand (a store opened without its space):
    /// long, double, bool, string or an enum value.
    /// </summary>
    internal static object Canonicalize(string parameter, object? value) => value switch
    {
        null => throw new ArgumentException($"Parameter '{parameter}' has no value.", parameter),
        JsonElement json => json.ValueKind switch
        {
            JsonValueKind.String => json.GetString()!,
            JsonValueKind.Number when json.TryGetInt64(out var l) => l,
            JsonValueKind.Number => Finite(parameter, json.GetDouble()),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"Parameter '{parameter}' must be a number, string or boolean, not JSON {json.ValueKind}.", parameter),
        },
        Enum e => e,
        bool b => b,
        string s => s,
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : throw new ArgumentOutOfRangeException(parameter, u, $"Parameter '{parameter}' does not fit in a long."),
        float f => Finite(parameter, f),
        double d => Finite(parameter, d),
        decimal m => (double)m,
        _ => throw new ArgumentException(
            $"Parameter '{parameter}' has a value of type {value.GetType().Name}; use a number, string, boolean or enum.", parameter),
    };

    /// <summary>An invariant, unambiguous rendering: strings quoted, enums by name, reals round-trippable.</summary>
    internal static string Format(object value) => value switch
    {
        string s => JsonSerializer.Serialize(s),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

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

    private static bool IsNumber(object value) => value is double or float or decimal || IsInteger(value);

    private static bool IsInteger(object value) => value is long or int or short or byte or sbyte or ushort or uint;

    private static double Finite(string parameter, double value) =>
        double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(parameter, value, $"Parameter '{parameter}' must be finite.");

    private static ArgumentException Invalid(string parameter, object? value, string expected) =>
        new($"Hyperparameter '{parameter}' expects {expected}, but got '{value}' ({value?.GetType().Name ?? "null"}).", parameter);
}
