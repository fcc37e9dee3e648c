using System.Globalization;
using System.Text.Json;
using Dsl.Search;

namespace Dsl.Studies;

/// <summary>
/// Brings parameter values to one canonical form (long, double, bool, string or an enum value) and to and from the
/// (kind, JSON) pairs the SQL stores keep.
/// </summary>
/// <remarks>
/// Each stored value carries its kind because JSON alone cannot tell 128 from 128.0, nor an enum name from a string.
/// The kind is enough to read a value back without the search space (enums come back as their names, which every
/// generated <c>FromValues</c> accepts); when the study was opened with its space, values are mapped onto the space's
/// own choice objects, so a sampler sees the same values from every store.
/// </remarks>
internal static class ParameterCodec
{
    public const string IntKind = "int";
    public const string FloatKind = "float";
    public const string BoolKind = "bool";
    public const string StringKind = "string";
    public const string EnumKind = "enum";

    // The file is meant to be read by people too: keep non-ASCII names and symbols as they are.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Canonicalises and, where the space declares them, validates a whole assignment.</summary>
    public static Dictionary<string, object> Normalize(IReadOnlyDictionary<string, object> values, SearchSpace? space, string study)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new Dictionary<string, object>(values.Count, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            var spec = space is null ? null : space.Contains(name) ? space[name] : throw new ArgumentException(
                    $"Study '{study}' has no parameter '{name}'; its parameters are {string.Join(", ", space.Select(p => p.Name))}.", nameof(values));
            var canonical = Canonical(name, value);
            if (spec is not null)
            {
                canonical = ToSpace(spec, canonical) ?? throw new ArgumentException(
                    $"{name} = {Format(canonical)} is not one of its choices [{string.Join(", ", ((CategoricalParameter)spec).Choices.Select(Format))}].", name);
                spec.Validate(canonical);
            }
            result[name] = canonical;
        }
        return result;
    }

    /// <summary>Maps a value read back from a store onto the space's type when it fits, and leaves it as read when not.</summary>
    public static object FromStore(object value, ParameterSpec? spec)
    {
        if (spec is null)
            return value;
        try
        {
            return ToSpace(spec, value) ?? value;
        }
        catch (ArgumentException)
        {
            return value;
        }
    }

    public static (string Kind, string Json) Encode(object canonical) => canonical switch
    {
        long l => (IntKind, l.ToString(CultureInfo.InvariantCulture)),
        double d => (FloatKind, JsonSerializer.Serialize(d)),
        bool b => (BoolKind, b ? "true" : "false"),
        string s => (StringKind, JsonSerializer.Serialize(s, Json)),
        Enum e => (EnumKind, JsonSerializer.Serialize(e.ToString(), Json)),
        _ => throw new ArgumentException($"Cannot store a parameter value of type {canonical.GetType().Name}."),
    };

    public static object Decode(string name, string kind, string json)
    {
        // Claims read the whole history, so the common spellings skip the JSON parser.
        try
        {
            return kind switch
            {
                IntKind => long.Parse(json, NumberStyles.Integer, CultureInfo.InvariantCulture),
                FloatKind => double.Parse(json, NumberStyles.Float, CultureInfo.InvariantCulture),
                BoolKind => json switch { "true" => true, "false" => false, _ => throw new FormatException() },
                StringKind or EnumKind when json.Length >= 2 && json[0] == '"' && json[^1] == '"' && !json.Contains('\\') => json[1..^1],
                StringKind or EnumKind => JsonSerializer.Deserialize<string>(json) ?? throw new FormatException(),
                _ => throw new StudyStorageException(
                    $"Parameter '{name}' is stored with kind '{kind}', which this version does not know; was the store written by a newer Dsl?"),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or JsonException)
        {
            throw new StudyStorageException($"Parameter '{name}' has a damaged stored value {json} of kind '{kind}'.", e);
        }
    }

    /// <summary>An invariant, unambiguous rendering: strings quoted, enums by name, reals round-trippable.</summary>
    public static string Format(object value) => value switch
    {
        string s => JsonSerializer.Serialize(s),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object Canonical(string name, object? value) => value switch
    {
        null => throw new ArgumentException($"Parameter '{name}' has no value.", name),
        JsonElement json => json.ValueKind switch
        {
            JsonValueKind.String => json.GetString()!,
            JsonValueKind.Number when json.TryGetInt64(out var l) => l,
            JsonValueKind.Number => Finite(name, json.GetDouble()),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ArgumentException($"Parameter '{name}' must be a number, string or boolean, not JSON {json.ValueKind}.", name),
        },
        Enum e => e,
        bool b => b,
        string s => s,
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : throw new ArgumentOutOfRangeException(name, u, $"Parameter '{name}' does not fit in a long."),
        float f => Finite(name, f),
        double d => Finite(name, d),
        decimal m => (double)m,
        _ => throw new ArgumentException(
            $"Parameter '{name}' has a value of type {value.GetType().Name}; use a number, string, boolean or enum.", name),
    };

    private static double Finite(string name, double value) =>
        double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"Parameter '{name}' must be finite.");

    /// <summary>The value in the spec's own type, or null when a categorical has no such choice.</summary>
    private static object? ToSpace(ParameterSpec spec, object canonical) => spec switch
    {
        IntParameter => ParameterValues.ToInt64(canonical, spec.Name),
        FloatParameter => ParameterValues.ToDouble(canonical, spec.Name),
        CategoricalParameter categorical => MatchChoice(categorical, canonical),
        _ => canonical,
    };

    private static object? MatchChoice(CategoricalParameter parameter, object canonical)
    {
        foreach (var choice in parameter.Choices)
        {
            if (Equals(choice, canonical))
                return choice;
            var choiceCanonical = choice is Enum or string or bool ? choice : TryCanonical(parameter.Name, choice);
            if (choiceCanonical is not null && Equals(choiceCanonical, canonical))
                return choice;
            // Stores and command lines spell enum choices by name.
            if (choice is Enum && canonical is string name && choice.ToString() == name)
                return choice;
            // JSON cannot tell 2 from 2.0, so a real choice may come back as an integer and vice versa.
            if (choiceCanonical is long or double && canonical is long or double
                && Convert.ToDouble(choiceCanonical, CultureInfo.InvariantCulture) == Convert.ToDouble(canonical, CultureInfo.InvariantCulture))
                return choice;
        }
        return null;
    }

    private static object? TryCanonical(string name, object value)
    {
        try
        {
            return Canonical(name, value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
