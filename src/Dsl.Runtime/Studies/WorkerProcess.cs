using System.ComponentModel;
using System.Diagnostics;

namespace Dsl.Studies;

/// <summary>The operating-system process behind a claim, so that a rerun on the same machine can see its predecessor is gone.</summary>
/// <param name="Host">The machine's name.</param>
/// <param name="Pid">The process id.</param>
/// <param name="StartedAt">When the process started; together with the id it survives pid reuse.</param>
internal sealed record WorkerProcess(string Host, int Pid, DateTimeOffset StartedAt)
{
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

    public static WorkerProcess Current { get; } = CreateCurrent();

    /// <summary>Whether this process ran on this machine and has exited; false when that cannot be told.</summary>
    public bool HasExitedOnThisHost()
    {
        if (!string.Equals(Host, Current.Host, StringComparison.OrdinalIgnoreCase))
            return false;
        if (this == Current)
            return false;
        try
        {
            using var process = Process.GetProcessById(Pid);
            if (process.HasExited)
                return true;
            // The id was reused by a younger process: the claimant is gone.
            return (process.StartTime.ToUniversalTime() - StartedAt.UtcDateTime).Duration() > StartTimeTolerance;
        }
        catch (ArgumentException)
        {
            return true; // no process with that id
        }
        catch (InvalidOperationException)
        {
            return true; // exited while we looked
        }
        catch (Exception e) when (e is Win32Exception or NotSupportedException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static WorkerProcess CreateCurrent()
    {
        using var process = Process.GetCurrentProcess();
        return new(Environment.MachineName, Environment.ProcessId, new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero));
    }
}
