using System.Text;
using System.Text.RegularExpressions;

namespace Dsl.FineTuning;

/// <summary>
/// Selects state-dict entries by name: comma-separated globs where <c>*</c> matches any run of characters and <c>?</c>
/// one. A glob matches a name whole, or a module prefix of it, so <c>conv1</c> selects <c>conv1.weight</c> and
/// <c>conv1.bias</c>, and <c>stem*</c> every entry under a module whose name starts with "stem".
/// </summary>
public sealed class LayerPattern
{
    private readonly Regex regex;

    private LayerPattern(string text, Regex regex)
    {
        Text = text;
        this.regex = regex;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="pattern"/>; <paramref name="optionName"/> names the setting in the error.</summary>
    /// <exception cref="ArgumentException">The pattern is empty or holds an empty glob.</exception>
    public static LayerPattern Parse(string pattern, string optionName = "pattern")
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var globs = pattern.Split(',', StringSplitOptions.TrimEntries);
        if (globs.Any(g => g.Length == 0))
            throw new ArgumentException(
                $"{optionName} '{pattern}' holds an empty glob; expected comma-separated globs over state-dict names such as 'conv1,fc*'.", optionName);
        var alternatives = globs.Select(glob =>
        {
            var builder = new StringBuilder();
            foreach (var c in glob)
                builder.Append(c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) });
            return builder.ToString();
        });
        // A glob names an entry or a module; a module's entries follow after a dot.
        var regex = new Regex("^(?:" + string.Join("|", alternatives) + @")(?:\..*)?$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        return new LayerPattern(pattern, regex);
    }

    /// <summary>Whether the state-dict entry or module <paramref name="name"/> is selected.</summary>
    public bool Matches(string name) => regex.IsMatch(name);

    /// <inheritdoc/>
    public override string ToString() => Text;
}
