namespace Dsl.Transfer;

/// <summary>
/// Renames source keys to the model's: each entry maps a source key, or a source module prefix, to the model's name for
/// it, so <c>{ "features.0": "conv1" }</c> turns "features.0.weight" into "conv1.weight". The longest matching entry wins;
/// a key no entry matches keeps its name. An entry mapped to the empty string drops the keys it matches.
/// </summary>
public sealed class KeyMap
{
    private readonly KeyValuePair<string, string>[] entries;

    /// <summary>Creates a map from source names (keys or module prefixes) to model names.</summary>
    public KeyMap(IReadOnlyDictionary<string, string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        this.entries = [.. entries.OrderByDescending(e => e.Key.Length)];
    }

    /// <summary>The map that renames nothing.</summary>
    public static KeyMap Identity { get; } = new(new Dictionary<string, string>());

    /// <summary>The model's name for <paramref name="sourceKey"/>, or null when the map drops it.</summary>
    public string? Map(string sourceKey)
    {
        foreach (var (from, to) in entries)
        {
            if (sourceKey == from) return to.Length == 0 ? null : to;
            if (sourceKey.Length > from.Length && sourceKey.StartsWith(from, StringComparison.Ordinal) && sourceKey[from.Length] == '.')
                return to.Length == 0 ? null : to + sourceKey[from.Length..];
        }
        return sourceKey;
    }
}
