using Dsl.Search;

namespace Dsl.Studies;

/// <summary>
/// The stores' one entry point to parameter values. The rules themselves belong to the search space
/// (<see cref="ParameterSpec"/>, <see cref="ParameterValues"/>, <see cref="StoredParameterValue"/>); this adds what a
/// store needs around them: the study's name in errors, and storage exceptions for damaged stored values.
/// </summary>
internal static class ParameterCodec
{
    /// <summary>Canonicalises and, where the space declares them, validates a whole assignment.</summary>
    public static Dictionary<string, object> Normalize(IReadOnlyDictionary<string, object> values, SearchSpace? space, string study)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new Dictionary<string, object>(values.Count, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            var spec = space is null ? null : space.Contains(name) ? space[name] : throw new ArgumentException(
                    $"Study '{study}' has no parameter '{name}'; its parameters are {string.Join(", ", space.Select(p => p.Name))}.", nameof(values));
            var canonical = ParameterValues.Canonicalize(name, value);
            result[name] = spec is null ? canonical : spec.Canonicalize(canonical);
        }
        return result;
    }

    /// <summary>Maps a value read back from a store onto the space's type when it fits, and leaves it as read when not.</summary>
    public static object FromStore(object value, ParameterSpec? spec) => spec?.Coerce(value) ?? value;

    /// <summary>What the store writes for a canonical value.</summary>
    public static (string Kind, string Json) Encode(object canonical)
    {
        var stored = StoredParameterValue.Encode(canonical);
        return (stored.Kind, stored.Json);
    }

    /// <summary>A stored value read back as stored: long, double, bool or string.</summary>
    public static object Decode(string name, string kind, string json)
    {
        try
        {
            return new StoredParameterValue(kind, json).Decode(name);
        }
        catch (FormatException e)
        {
            throw new StudyStorageException(e.Message, e);
        }
    }

    /// <summary>An invariant, unambiguous rendering: strings quoted, enums by name, reals round-trippable.</summary>
    public static string Format(object value) => ParameterValues.Format(value);
}
