using System.CommandLine;
using System.CommandLine.Parsing;
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
