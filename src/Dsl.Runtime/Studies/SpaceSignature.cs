using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dsl.Search;

namespace Dsl.Studies;

/// <summary>
/// The shape of a search space as text, one sorted line per parameter, and a short hash of it, so a store can tell
/// whether a study is reopened with a space its trials still fit.
/// </summary>
/// <remarks>
/// Defaults are left out: every stored trial carries its active values, so changing a default invalidates nothing.
/// Declaration order is left out too, since reordering properties changes no trial.
/// </remarks>
internal static class SpaceSignature
{
    public static string Describe(SearchSpace space) =>
        string.Join("\n", space.Select(DescribeParameter).Order(StringComparer.Ordinal));

    public static string Fingerprint(string description) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16];

    /// <summary>What changed between two descriptions, in words, for an error message.</summary>
    public static string Diff(string stored, string current)
    {
        var before = Lines(stored);
        var after = Lines(current);
        var changes = new List<string>();
        foreach (var (name, line) in before)
        {
            if (!after.TryGetValue(name, out var now))
                changes.Add($"'{name}' ({line}) was removed");
            else if (now != line)
                changes.Add($"'{name}' changed from {line} to {now}");
        }
        foreach (var (name, line) in after)
            if (!before.ContainsKey(name))
                changes.Add($"'{name}' ({line}) was added");
        return changes.Count == 0 ? "the spaces differ" : string.Join("; ", changes);
    }

    private static SortedDictionary<string, string> Lines(string description)
    {
        var lines = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in description.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
                lines[line[..colon]] = line[(colon + 2)..];
        }
        return lines;
    }

    private static string DescribeParameter(ParameterSpec parameter)
    {
        var text = parameter switch
        {
            FloatParameter f => $"float [{R(f.Low)}, {R(f.High)}]{(f.Log ? " log" : "")}{(f.Step > 0 ? " step " + R(f.Step) : "")}",
            IntParameter i => $"int [{i.Low}, {i.High}]{(i.Log ? " log" : "")}{(i.Step != 1 ? " step " + i.Step.ToString(CultureInfo.InvariantCulture) : "")}",
            CategoricalParameter c => $"categorical {{{string.Join(", ", c.Choices.Select(ParameterCodec.Format))}}}",
            _ => parameter.GetType().Name,
        };
        if (parameter.Condition is { } condition)
            text += $" when {condition.Parameter} in {{{string.Join(", ", condition.Values.Select(ParameterCodec.Format))}}}";
        return $"{parameter.Name}: {text}";
    }

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
