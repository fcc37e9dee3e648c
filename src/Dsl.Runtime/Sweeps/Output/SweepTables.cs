using Dsl.Search.Trials;
using Dsl.Studies;
using Spectre.Console;

namespace Dsl.Sweeps.Output;

/// <summary>The Spectre.Console tables sweeps print: the leaderboard at the end of a run, and every trial for <c>show</c>.</summary>
internal static class SweepTables
{
    /// <summary>
    /// A console that writes plain text to <paramref name="writer"/>: no colours, no cursor moves, and wide enough that
    /// tables do not wrap in logs.
    /// </summary>
    public static IAnsiConsole PlainConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }

    /// <summary>The best <paramref name="top"/> complete trials with their values and parameters.</summary>
    public static Table Leaderboard(
        IReadOnlyList<TrialRecord> trials, StudyDirection direction, string metric, int top, IEnumerable<string>? spaceOrder = null, bool ascii = false)
    {
        var ranked = SweepText.Ranked(trials, direction).Take(Math.Max(top, 0)).ToList();
        var names = SweepText.ParameterNames(ranked, spaceOrder);
        var table = NewTable(ascii);
        table.Title = new TableTitle(Markup.Escape(
            $"Top {ranked.Count} of {trials.Count} trials by {metric} ({SweepText.Direction(direction)})"));
        table.AddColumn(new TableColumn("rank").RightAligned());
        table.AddColumn(new TableColumn("trial").RightAligned());
        table.AddColumn(new TableColumn(Markup.Escape(metric)).RightAligned());
        table.AddColumn(new TableColumn("epochs").RightAligned());
        table.AddColumn(new TableColumn("time").RightAligned());
        foreach (var name in names) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());

        for (var i = 0; i < ranked.Count; i++)
        {
            var trial = ranked[i];
            var cells = new List<string>
            {
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                trial.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                SweepText.Value(trial.Value),
                Epochs(trial),
                Duration(trial),
            };
            cells.AddRange(names.Select(n => trial.Parameters.TryGetValue(n, out var v) ? SweepText.Parameter(v) : ""));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }

    /// <summary>Every trial of a study: state, value, epochs, time, parameters and what went wrong.</summary>
    public static Table Trials(IReadOnlyList<TrialRecord> trials, string metric, IEnumerable<string>? spaceOrder = null, bool ascii = false)
    {
        var names = SweepText.ParameterNames(trials, spaceOrder);
        var table = NewTable(ascii);
        table.AddColumn(new TableColumn("trial").RightAligned());
        table.AddColumn(new TableColumn("state"));
        table.AddColumn(new TableColumn(Markup.Escape(metric)).RightAligned());
        table.AddColumn(new TableColumn("epochs").RightAligned());
        table.AddColumn(new TableColumn("time").RightAligned());
        foreach (var name in names) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        table.AddColumn(new TableColumn("note"));

        foreach (var trial in trials)
        {
            var cells = new List<string>
            {
                trial.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                SweepText.State(trial.State),
                SweepText.Value(trial.Value),
                Epochs(trial),
                Duration(trial),
            };
            cells.AddRange(names.Select(n => trial.Parameters.TryGetValue(n, out var v) ? SweepText.Parameter(v) : ""));
            cells.Add(Note(trial));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }

    private static Table NewTable(bool ascii)
    {
        var table = new Table();
        if (ascii) table.Border(TableBorder.Ascii);
        return table;
    }

    private static string Epochs(TrialRecord trial) =>
        trial.IntermediateValues.Count == 0 ? "-" : trial.IntermediateValues.Keys.Max().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Duration(TrialRecord trial) =>
        trial is { StartedAt: { } start, FinishedAt: { } end } ? SweepText.Duration(end - start) : "-";

    private static string Note(TrialRecord trial)
    {
        var notes = new List<string>();
        if (RetryOf(trial) is { } retryOf) notes.Add($"retry of {retryOf}");
        if (trial.Error is { } error) notes.Add(SweepText.FirstLine(error, 80));
        return string.Join("; ", notes);
    }

    /// <summary>The trial this one retries, whether the store (crash recovery) or the runner (cancellation) enqueued it.</summary>
    public static int? RetryOf(TrialRecord trial) =>
        trial.RetryOf
        ?? (trial.Attributes.TryGetValue(SweepAttributeKeys.RetryOf, out var text)
            && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? number
                : null);
}
