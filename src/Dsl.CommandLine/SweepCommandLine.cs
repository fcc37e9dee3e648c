using System.CommandLine;
using System.CommandLine.Help;
using Dsl.Search;
using Spectre.Console;
using static TorchSharp.torch;

using Dsl.Sweeps;

namespace Dsl.CommandLine;

/// <summary>The command line of a generated sweep: <c>sweep</c>, <c>show</c>, <c>best</c> and <c>export</c>.</summary>
/// <remarks>
/// <c>sweep</c> runs or resumes the sweep, <c>show</c> lists a study's trials, <c>best</c> prints the best trial as
/// JSON, and <c>export</c> writes every trial as CSV or JSON. Exit codes: 0 on success, 1 when the command failed (its one-line reason is on standard error), 2 for invalid
/// arguments (one line saying what was wrong and what is expected), and 130 when a sweep was interrupted by Ctrl-C.
/// </remarks>
public static class SweepCommandLine
{
    /// <summary>The exit code of a command that ran and failed.</summary>
    public const int FailureExitCode = 1;

    /// <summary>The exit code for invalid arguments.</summary>
    public const int UsageExitCode = 2;

    /// <summary>The exit code of a sweep stopped by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Runs the command line on the process's console: live progress on a terminal, plain lines when redirected.</summary>
    /// <param name="definition">The generated sweep's definition.</param>
    /// <param name="args">The process arguments.</param>
    /// <param name="loadData">Loads the data; called only by the <c>sweep</c> command, which disposes it.</param>
    public static Task<int> RunAsync<TModel, TModelHyperparameters, TSweepHyperparameters>(
        SweepDefinition<TSweepHyperparameters> definition, string[] args, Func<SweepData> loadData)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHyperparameters>
        where TModelHyperparameters : IHyperparameters<TModelHyperparameters>
        where TSweepHyperparameters : IHyperparameters<TSweepHyperparameters>
    {
        var live = SweepProgress.Console();
        var console = live is LiveSweepProgress ? AnsiConsole.Console : SweepTables.PlainConsole(Console.Out);
        var host = new CommandLineHost(Console.Out, Console.Error, console, live, HandleCtrlC: true);
        return RunAsync<TModel, TModelHyperparameters, TSweepHyperparameters>(definition, args, loadData, host, CancellationToken.None);
    }

    /// <summary>Runs the command line with plain output on <paramref name="output"/> and errors on <paramref name="error"/>.</summary>
    /// <remarks>For tests and hosts that capture output; <paramref name="cancellationToken"/> stands for Ctrl-C.</remarks>
    public static Task<int> RunAsync<TModel, TModelHyperparameters, TSweepHyperparameters>(
        SweepDefinition<TSweepHyperparameters> definition,
        string[] args,
        Func<SweepData> loadData,
        TextWriter output,
        TextWriter error,
        CancellationToken cancellationToken = default)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHyperparameters>
        where TModelHyperparameters : IHyperparameters<TModelHyperparameters>
        where TSweepHyperparameters : IHyperparameters<TSweepHyperparameters>
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var host = new CommandLineHost(output, error, SweepTables.PlainConsole(output), SweepProgress.Plain(output), HandleCtrlC: false);
        return RunAsync<TModel, TModelHyperparameters, TSweepHyperparameters>(definition, args, loadData, host, cancellationToken);
    }

    private static async Task<int> RunAsync<TModel, TModelHp, TSweepHp>(
        SweepDefinition<TSweepHp> definition, string[] args, Func<SweepData> loadData, CommandLineHost host, CancellationToken cancellationToken)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
        where TSweepHp : IHyperparameters<TSweepHp>
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(loadData);

        var commands = new SweepCommands<TModel, TModelHp, TSweepHp>(definition, loadData, host);
        var root = commands.Build();
        var parse = root.Parse(args);
        // Help clears parse errors, so `sweep --trials x --help` still shows help rather than the error.
        if (parse.Action is not HelpAction && parse.Errors.Count > 0)
        {
            var message = Describe(parse);
            var command = parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";
            await host.Error.WriteLineAsync($"error: {message} Run with '{command}--help' for usage.");
            await host.Error.FlushAsync(CancellationToken.None);
            return UsageExitCode;
        }

        var configuration = new InvocationConfiguration
        {
            Output = host.Output,
            Error = host.Error,
            // Long enough for the running trials to stop within a batch and be recorded before the process exits.
            ProcessTerminationTimeout = host.HandleCtrlC ? TimeSpan.FromSeconds(60) : null,
        };
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    /// <summary>The one error worth a line: an unknown word first, then a bad option value, then what the command lacks.</summary>
    private static string Describe(ParseResult parse)
    {
        var errors = parse.Errors;
        var unmatched = parse.UnmatchedTokens;
        var chosen = errors.FirstOrDefault(e => unmatched.Any(token => e.Message.Contains(token, StringComparison.Ordinal)))
                     ?? errors.FirstOrDefault(e => e.SymbolResult is not System.CommandLine.Parsing.CommandResult)
                     ?? errors[0];
        // The root's own complaint is that no command was named; say which ones exist.
        return chosen.SymbolResult is System.CommandLine.Parsing.CommandResult { Command: RootCommand } && unmatched.Count == 0
            ? "a command is required: sweep, show, best or export."
            : chosen.Message;
    }
}

/// <summary>Where a command line writes: its output and error streams, the console for tables, and the sweep's progress.</summary>
internal sealed record CommandLineHost(TextWriter Output, TextWriter Error, IAnsiConsole Console, ISweepObserver Progress, bool HandleCtrlC);
