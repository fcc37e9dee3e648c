using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

using Dsl.Sweeps;

namespace Dsl.CommandLine;

/// <summary>
/// Option factories whose parse errors are one sentence naming the option, the value given and what it expects;
/// System.CommandLine's own messages name CLR types and span several lines.
/// </summary>
/// <remarks>The sweep commands build their options here; an application's own commands should too (see <see cref="CommandLineApp"/>).</remarks>
public static class CommandLineOptions
{
    internal static readonly string[] SamplerNames = ["tpe", "random", "grid", "halton", "sobol", "cmaes"];
    internal static readonly string[] PrunerNames = ["none", "median", "asha", "hyperband"];
    internal static readonly string[] FormatNames = ["csv", "json", "optuna-journal"];

    /// <summary>A whole number of at least <paramref name="minimum"/>, <paramref name="defaultValue"/> when not given.</summary>
    public static Option<int> Integer(string name, string description, int defaultValue, int minimum, string helpName = "n") =>
        Parsed(name, description, defaultValue, helpName, $"a whole number of at least {minimum}",
            text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum ? value : null);

    /// <summary>A positive real number, <paramref name="defaultValue"/> when not given.</summary>
    public static Option<double> PositiveNumber(string name, string description, double defaultValue, string helpName = "x") =>
        Parsed(name, description, defaultValue, helpName, "a positive number such as 0.001 or 1e-3",
            text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0 ? value : null);

    private static Option<T> Parsed<T>(string name, string description, T defaultValue, string helpName, string expected, Func<string, T?> parse)
        where T : struct
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = result =>
        {
            var text = Single(result);
            if (parse(text) is { } value) return value;
            result.AddError($"{name} expects {expected}, but got '{text}'.");
            return defaultValue;
        };
        return option;
    }

    /// <summary>A count that also takes the word <c>all</c>; read it with <see cref="CountOrAllValue"/>, which gives null for <c>all</c>.</summary>
    public static Option<string> CountOrAll(string name, string description, int defaultValue)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = "n|all",
            DefaultValueFactory = _ => defaultValue.ToString(CultureInfo.InvariantCulture),
        };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!IsAll(text) && !(int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0))
                result.AddError($"{name} expects a whole number of at least 0 or 'all', but got '{text}'.");
        });
        return option;
    }

    /// <summary>The count a <see cref="CountOrAll"/> option was given, or null for <c>all</c>.</summary>
    public static int? CountOrAllValue(string text) => IsAll(text) ? null : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static bool IsAll(string? text) => string.Equals(text?.Trim(), "all", StringComparison.OrdinalIgnoreCase);

    /// <summary>One of an enum's named members, matched ignoring case, <paramref name="defaultValue"/> when not given.</summary>
    public static Option<TEnum> Choice<TEnum>(string name, string description, TEnum defaultValue)
        where TEnum : struct, Enum =>
        OneOf(name, description, defaultValue, Enum.GetNames<TEnum>(), Enum.Parse<TEnum>);

    /// <summary>One of <paramref name="choices"/>, matched ignoring case, <paramref name="defaultValue"/> when not given.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, string[] choices) =>
        OneOf(name, description, defaultValue, choices, choice => choice);

    private static Option<T> OneOf<T>(string name, string description, T defaultValue, string[] choices, Func<string, T> convert)
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = string.Join('|', choices),
            DefaultValueFactory = _ => defaultValue,
        };
        option.CompletionSources.Add(choices);
        option.CustomParser = result =>
        {
            var text = Single(result);
            var choice = choices.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase));
            if (choice is not null) return convert(choice);
            result.AddError($"{name} expects one of {string.Join(", ", choices)}, but got '{text}'.");
            return defaultValue;
        };
        return option;
    }

    internal static Option<TimeSpan?> Duration(string name, string description)
    {
        var option = new Option<TimeSpan?>(name) { Description = description, HelpName = "duration" };
        option.CustomParser = result =>
        {
            var text = Single(result);
            if (Durations.TryParse(text, out var duration)) return duration;
            result.AddError($"{name} expects a positive duration such as {Durations.Examples}, but got '{text}'.");
            return null;
        };
        return option;
    }

    /// <summary>A non-empty text such as a path, null when not given.</summary>
    public static Option<string?> Text(string name, string description, string helpName)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && string.IsNullOrWhiteSpace(value))
                result.AddError($"{name} expects a value, but got an empty one.");
        });
        return option;
    }

    internal static Option<string?> Study(string defaultName)
    {
        var option = Text("--study", $"The study's name in the store. Default: {defaultName}.", "name");
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { Length: > 0 } value && value != value.Trim())
                result.AddError($"--study expects a name without leading or trailing spaces, but got '{value}'.");
        });
        return option;
    }

    /// <summary>The <c>--storage</c> option; reading commands pass <paramref name="mustExist"/> so a mistyped path is a usage error.</summary>
    internal static Option<string?> Storage(string description, bool mustExist, string name = "--storage")
    {
        var option = Text(name, description, "path|url");
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is not { Length: > 0 } value) return;
            if (StorageProblem(value, mustExist, name) is { } problem) result.AddError(problem);
        });
        return option;
    }

    /// <summary>What is wrong with a <c>--storage</c> value, or null; reading commands also need the file to exist.</summary>
    internal static string? StorageProblem(string text, bool mustExist, string name = "--storage")
    {
        var trimmed = text.Trim();
        if (trimmed is "memory" or ":memory:" or "inmemory" or "in-memory")
            return mustExist ? $"{name} expects a study file written by a sweep, but an in-memory store holds no earlier study." : null;
        // A server's URL is checked when the store opens it, which masks its password in any error.
        if (Dsl.Studies.StudyStorage.IsPostgreSqlUrl(trimmed))
            return null;
        var scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !trimmed.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            return $"{name} expects a SQLite file path, a sqlite:///path URL or a postgresql:// URL, but got the unsupported scheme '{trimmed[..scheme]}://'.";
        string path;
        try
        {
            path = Dsl.Studies.StudyStorage.SqlitePath(trimmed);
        }
        catch (ArgumentException e)
        {
            return $"{name} expects a SQLite file path or a sqlite:///path URL: {e.Message}";
        }
        if (mustExist && !File.Exists(path))
            return $"{name} expects an existing study file, but '{path}' does not exist (a sweep writes <study>.db in its working directory by default).";
        return null;
    }

    /// <summary>The one token an option was given; an empty string when it was given none.</summary>
    private static string Single(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
}
