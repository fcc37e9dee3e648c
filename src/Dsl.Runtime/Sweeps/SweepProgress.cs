using Dsl.Training;
using Spectre.Console;
using Dsl.Sweeps.Progress;

namespace Dsl.Sweeps;

/// <summary>The built-in sweep progress reporters: live on a terminal, plain lines for logs, or none.</summary>
public static class SweepProgress
{
    /// <summary>Reports nothing (tests, or callers with their own display).</summary>
    public static ISweepObserver None { get; } = new NoProgress();

    /// <summary>Live Spectre.Console bars on an interactive terminal; plain lines when output is redirected or CI is set.</summary>
    /// <remarks>The bars show trial i of N, the best so far, and each job's trial and epoch.</remarks>
    public static ISweepObserver Console() =>
        ConsoleProgress.ShouldRenderLive(System.Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CI"), AnsiConsole.Profile.Capabilities.Interactive)
            ? Live(AnsiConsole.Console)
            : Plain(System.Console.Out);

    /// <summary>One line per trial start, epoch and end on <paramref name="output"/>, then the leaderboard as an ASCII table.</summary>
    /// <param name="output">Where lines go; each is flushed at once so logs follow the sweep.</param>
    /// <param name="epochs">Also print a line per epoch.</param>
    public static ISweepObserver Plain(TextWriter output, bool epochs = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new PlainSweepProgress(output, epochs);
    }

    /// <summary>Live progress bars on <paramref name="console"/>, a line per finished trial above them, and the leaderboard at the end.</summary>
    public static ISweepObserver Live(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return new LiveSweepProgress(console);
    }

    /// <summary>How many leaderboard rows the built-in reporters print.</summary>
    internal const int LeaderboardSize = 10;

    private sealed class NoProgress : ISweepObserver;
}
