using System.CommandLine;
using System.CommandLine.Parsing;
using Dsl.Reporting;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;
using Spectre.Console;
using Dsl.Sweeps.Output;
using Dsl.Sweeps.Progress;

namespace Dsl.CommandLine;

/// <summary>Where a command line writes (output, errors, tables, a sweep's progress) and the one way its commands report errors.</summary>
internal sealed record CommandLineHost(TextWriter Output, TextWriter Error, IAnsiConsole Console, ISweepObserver Progress, bool HandleCtrlC)
{
    /// <summary>The host of the process's console: live progress on a terminal, plain lines when redirected.</summary>
    public static CommandLineHost ForConsole()
    {
        var live = SweepProgress.Console();
        var console = live is LiveSweepProgress ? AnsiConsole.Console : SweepTables.PlainConsole(System.Console.Out);
        return new CommandLineHost(System.Console.Out, System.Console.Error, console, live, HandleCtrlC: true);
    }

    /// <summary>A host with plain output on <paramref name="output"/>, for tests and hosts that capture it.</summary>
    public static CommandLineHost Plain(TextWriter output, TextWriter error) =>
        new(output, error, SweepTables.PlainConsole(output), SweepProgress.Plain(output), HandleCtrlC: false);

    /// <summary>Reports a command that ran and failed: "error: " and the message's first line; returns the failure exit code.</summary>
    public int Fail(string message) => Report(message, SweepCommandLine.FailureExitCode, usage: null);

    /// <summary>
    /// Ends a sweep command: prints <paramref name="bestLines"/> and the report's files, and returns the interrupted exit
    /// code after Ctrl-C, success with a best trial, else a failure that says why there is none (<paramref name="missing"/>:
    /// "model", "trial") and where to look.
    /// </summary>
    public async Task<int> EndSweepAsync(
        IEnumerable<string> bestLines, SweepReportFiles? report, SweepStopReason stopReason, bool hasBest,
        IStudyStorage storage, string study, IReadOnlyList<TrialRecord> trials, string missing)
    {
        foreach (var line in bestLines) await Output.WriteLineAsync(line);
        if (report is { } files) await Output.WriteLineAsync($"report: {files.Markdown} (and {Path.GetFileName(files.Html)} beside it, for a browser)");
        await Output.FlushAsync(CancellationToken.None);
        if (stopReason == SweepStopReason.Cancelled) return SweepCommandLine.InterruptedExitCode;
        if (hasBest) return 0;

        // A sweep that leaves no best trial has failed at its job, whatever stopped it.
        var show = storage.IsPersistent ? $" See every trial with: show --storage {storage.Location} --study {study}" : "";
        return Fail($"the sweep has no best {missing}: {SweepText.NoCompleteTrial(trials)}.{show}");
    }

    /// <summary>Reports invalid arguments of the command <paramref name="parse"/> reached, with where to read its usage; returns the usage exit code.</summary>
    public int UsageError(string message, ParseResult parse) => Report(message, SweepCommandLine.UsageExitCode, CommandPath(parse.CommandResult));

    private int Report(string message, int exitCode, string? usage)
    {
        var line = "error: " + SweepText.FirstLine(message, 400).TrimEnd();
        if (usage is not null) line += $" Run with '{(usage.Length > 0 ? usage + " " : "")}--help' for usage.";
        Error.WriteLine(line);
        Error.Flush();
        return exitCode;
    }

    /// <summary>The words that name a command below the root: "sweep", "fusion sweep"; empty for the root.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is CommandResult { Command: not RootCommand } current; result = current.Parent)
            names.Insert(0, current.Command.Name);
        return string.Join(' ', names);
    }
}
