using Dsl.Search;
using Dsl.Sweeps;
using static TorchSharp.torch;

namespace Dsl.CommandLine;

/// <summary>The command line of a generated sweep: <c>sweep</c>, <c>show</c>, <c>best</c> and <c>export</c>.</summary>
/// <remarks>
/// <c>sweep</c> runs or resumes the sweep, <c>show</c> lists a study's trials, <c>best</c> prints the best trial as
/// JSON, and <c>export</c> writes every trial as CSV or JSON. Exit codes: 0 on success, 1 when the command failed (its
/// one-line reason is on standard error; a sweep in which no trial completed has failed), 2 for invalid arguments (one
/// line saying what was wrong and what is expected), and 130 when a sweep was interrupted by Ctrl-C. To put these
/// commands next to an application's own, or under one of its commands, use <see cref="CommandLineApp"/>.
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
        ArgumentNullException.ThrowIfNull(definition);
        var app = new CommandLineApp(SweepCommands<TModel, TModelHyperparameters, TSweepHyperparameters>.Description(definition));
        return RunAsync<TModel, TModelHyperparameters, TSweepHyperparameters>(app, definition, args, loadData);
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
        ArgumentNullException.ThrowIfNull(definition);
        var app = new CommandLineApp(SweepCommands<TModel, TModelHyperparameters, TSweepHyperparameters>.Description(definition), output, error, cancellationToken);
        return RunAsync<TModel, TModelHyperparameters, TSweepHyperparameters>(app, definition, args, loadData);
    }

    /// <summary>Runs the command line of a sweep of user code on the process's console.</summary>
    /// <param name="definition">The sweep's definition.</param>
    /// <param name="objective">The objective each trial runs.</param>
    /// <param name="args">The process arguments.</param>
    public static Task<int> RunAsync<THyperparameters>(ObjectiveDefinition definition, Objective<THyperparameters> objective, string[] args)
        where THyperparameters : IHyperparameters<THyperparameters>
    {
        ArgumentNullException.ThrowIfNull(definition);
        var app = new CommandLineApp(ObjectiveSweepCommands<THyperparameters>.Description(definition));
        app.AddSweep(definition, objective);
        return app.RunAsync(args);
    }

    /// <summary>Runs the command line of a sweep of user code with plain output on <paramref name="output"/> and errors on <paramref name="error"/>.</summary>
    /// <remarks>For tests and hosts that capture output; <paramref name="cancellationToken"/> stands for Ctrl-C.</remarks>
    public static Task<int> RunAsync<THyperparameters>(
        ObjectiveDefinition definition, Objective<THyperparameters> objective, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
        where THyperparameters : IHyperparameters<THyperparameters>
    {
        ArgumentNullException.ThrowIfNull(definition);
        var app = new CommandLineApp(ObjectiveSweepCommands<THyperparameters>.Description(definition), output, error, cancellationToken);
        app.AddSweep(definition, objective);
        return app.RunAsync(args);
    }

    private static Task<int> RunAsync<TModel, TModelHp, TSweepHp>(CommandLineApp app, SweepDefinition<TSweepHp> definition, string[] args, Func<SweepData> loadData)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
        where TSweepHp : IHyperparameters<TSweepHp>
    {
        ArgumentNullException.ThrowIfNull(loadData);
        app.AddSweep<TModel, TModelHp, TSweepHp>(definition, _ => loadData());
        return app.RunAsync(args);
    }
}
