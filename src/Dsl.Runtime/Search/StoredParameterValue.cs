using System.Globalization;
using System.Text.Json;

namespace Dsl.Search;

/// <summary>A canonical parameter value as a store writes it: its kind and its JSON.</summary>
/// <remarks>
/// Each stored value carries its kind because JSON alone cannot tell 128 from 128.0, nor an enum name from a string.
/// The kind is enough to read a value back without the search space (enums come back as their names, which every
/// generated <c>FromValues</c> accepts); where the space is known, the value is mapped onto the space's own choice
/// objects. Studies outlive the code that wrote them, so this encoding must stay readable.
/// </remarks>
/// <param name="Kind">One of <c>int</c>, <c>float</c>, <c>bool</c>, <c>string</c> or <c>enum</c>.</param>
/// <param name="Json">The value as JSON: a number, <c>true</c>/<c>false</c>, or a string (an enum's name).</param>
internal readonly record struct StoredParameterValue(string Kind, string Json)
{
    private const string IntKind = "int";
    private const string FloatKind = "float";
    private const string BoolKind = "bool";
    private const string StringKind = "string";
    private const string EnumKind = "enum";

    // The file is meant to be read by people too: keep non-ASCII names and symbols as they are.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The stored form of a canonical value.</summary>
    public static StoredParameterValue Encode(object canonical) => canonical switch
    {
        long l => new(IntKind, l.ToString(CultureInfo.InvariantCulture)),
        double d => new(FloatKind, JsonSerializer.Serialize(d)),
        bool b => new(BoolKind, b ? "true" : "false"),
        string s => new(StringKind, JsonSerializer.Serialize(s, Readable)),
        Enum e => new(EnumKind, JsonSerializer.Serialize(e.ToString(), Readable)),
        _ => throw new ArgumentException($"Cannot store a parameter value of type {canonical.GetType().Name}."),
    };

    /// <summary>The value of parameter <paramref name="parameter"/> read back as stored: long, double, bool or string.</summary>
    /// <exception cref="FormatException">The kind is unknown or the JSON does not match it; the message says which.</exception>
    public object Decode(string parameter)
    {
        if (Kind is not (IntKind or FloatKind or BoolKind or StringKind or EnumKind))
            throw new FormatException(
                $"Parameter '{parameter}' is stored with kind '{Kind}', which this version does not know; was the store written by a newer Dsl?");
        // Claims read the whole history, so the common spellings skip the JSON parser.
        try
        {
            return Kind switch
            {
                IntKind => long.Parse(Json, NumberStyles.Integer, CultureInfo.InvariantCulture),
                FloatKind => double.Parse(Json, NumberStyles.Float, CultureInfo.InvariantCulture),
                BoolKind => Json switch { "true" => true, "false" => false, _ => throw new FormatException() },
                _ when Json.Length >= 2 && Json[0] == '"' && Json[^1] == '"' && !Json.Contains('\\') => Json[1..^1],
                _ => JsonSerializer.Deserialize<string>(Json) ?? throw new FormatException(),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or JsonException)
        {
            throw new FormatException($"Parameter '{parameter}' has a damaged stored value {Json} of kind '{Kind}'.", e);
        }
    }
}
