using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Dsl.Search;
using Dsl.Sweeps;
using static TorchSharp.torch;

namespace Dsl.CommandLine;

/// <summary>
/// A command line that holds sweeps' commands and an application's own under one root, and reports every error the same
/// way: one line on standard error, and the exit codes of <see cref="SweepCommandLine"/>.
/// </summary>
/// <remarks>
/// Arguments that do not parse (an unknown command or option, a value that is not what an option expects) print
/// "error: …" naming what was wrong and what is expected, then where to find the usage, and exit with
/// <see cref="SweepCommandLine.UsageExitCode"/>; <c>--help</c> always shows help. An application's own commands report
/// what went wrong while running with <see cref="Fail"/>, and build their options with <see cref="CommandLineOptions"/>
/// so that a bad value reads like any other.
/// </remarks>
public sealed class CommandLineApp
{
    private readonly CommandLineHost host;
    private readonly CancellationToken cancellationToken;

    /// <summary>An application on the process's console: live sweep progress on a terminal, plain lines when redirected, Ctrl-C stops a sweep cleanly.</summary>
    /// <param name="description">What the application does, as its root help says.</param>
    public CommandLineApp(string description)
        : this(description, CommandLineHost.ForConsole(), CancellationToken.None)
    {
    }

    /// <summary>An application with plain output on <paramref name="output"/> and errors on <paramref name="error"/>, for tests and hosts that capture them.</summary>
    /// <param name="description">What the application does, as its root help says.</param>
    /// <param name="output">Where commands, help and sweep progress write.</param>
    /// <param name="error">Where errors go.</param>
    /// <param name="cancellationToken">Stands for Ctrl-C.</param>
    public CommandLineApp(string description, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
        : this(description, CommandLineHost.Plain(output ?? throw new ArgumentNullException(nameof(output)), error ?? throw new ArgumentNullException(nameof(error))), cancellationToken)
    {
    }

    private CommandLineApp(string description, CommandLineHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(description);
        Root = new RootCommand(description);
        this.host = host;
        this.cancellationToken = cancellationToken;
    }

    /// <summary>The root command: add the application's own commands and options to it.</summary>
    public RootCommand Root { get; }

    /// <summary>Where commands write their output.</summary>
    public TextWriter Output => host.Output;

    /// <summary>
    /// Adds a sweep's <c>sweep</c>, <c>show</c>, <c>best</c> and <c>export</c> commands to <paramref name="parent"/> (the
    /// root when null), and returns the <c>sweep</c> command, to which the application may add options of its own that
    /// <paramref name="loadData"/> reads, such as where the data lives.
    /// </summary>
    /// <param name="definition">The generated sweep's definition (its <c>Definition</c> property).</param>
    /// <param name="loadData">Loads the data from the parsed command line; called only by <c>sweep</c>, which disposes the data.</param>
    /// <param name="parent">The command to add them to; null for <see cref="Root"/>.</param>
    public Command AddSweep<TModel, TModelHyperparameters, TSweepHyperparameters>(
        SweepDefinition<TSweepHyperparameters> definition, Func<ParseResult, SweepData> loadData, Command? parent = null)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHyperparameters>
        where TModelHyperparameters : IHyperparameters<TModelHyperparameters>
        where TSweepHyperparameters : IHyperparameters<TSweepHyperparameters>
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(loadData);
        return new SweepCommands<TModel, TModelHyperparameters, TSweepHyperparameters>(definition, loadData, host).AddTo(parent ?? Root);
    }

    /// <summary>
    /// Adds the <c>sweep</c>, <c>show</c>, <c>best</c> and <c>export</c> commands of a sweep of user code to
    /// <paramref name="parent"/> (the root when null), and returns the <c>sweep</c> command.
    /// </summary>
    /// <param name="definition">The sweep's definition (a generated sweep's <c>Definition</c> property).</param>
    /// <param name="objective">The objective each trial runs (a generated sweep's <c>Objective</c> property).</param>
    /// <param name="parent">The command to add them to; null for <see cref="Root"/>.</param>
    public Command AddSweep<THyperparameters>(ObjectiveDefinition definition, Objective<THyperparameters> objective, Command? parent = null)
        where THyperparameters : IHyperparameters<THyperparameters>
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(objective);
        return new ObjectiveSweepCommands<THyperparameters>(definition, objective, host).AddTo(parent ?? Root);
    }

    /// <summary>Reports a command that ran and failed, as "error: " and the first line of <paramref name="message"/> on standard error.</summary>
    /// <returns><see cref="SweepCommandLine.FailureExitCode"/>, for the command's action to return.</returns>
    public int Fail(string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        return host.Fail(message);
    }

    /// <summary>Parses <paramref name="args"/> and runs the command they name; returns the exit code.</summary>
    public async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parse = Root.Parse(args);
        // System.CommandLine's own error action would print every error and the whole help; one line says more.
        if (parse.Action is ParseErrorAction) return host.UsageError(Describe(parse), parse);

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
                     ?? errors.FirstOrDefault(e => e.SymbolResult is not CommandResult)
                     ?? errors[0];
        // A command that only groups others complains that none was named; say which ones exist.
        if (chosen.SymbolResult is CommandResult { Command: { Action: null } command } && command.Subcommands.Count > 0 && unmatched.Count == 0)
        {
            var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            return $"a command is required: {string.Join(", ", names.SkipLast(1))}{(names.Count > 1 ? " or " : "")}{names[^1]}.";
        }
        return chosen.Message;
    }
}
