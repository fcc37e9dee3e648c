using System.Diagnostics;

namespace Dsl.Sweeps;

/// <summary>Wraps a user's progress reporter so that a display that throws cannot fail trials or stop the sweep.</summary>
internal sealed class GuardedProgress(ISweepProgress inner) : ISweepProgress
{
    public void SweepStarted(SweepStart start) => Guard(() => inner.SweepStarted(start));

    public void TrialStarted(TrialStart trial) => Guard(() => inner.TrialStarted(trial));

    public void EpochEnded(TrialEpoch epoch) => Guard(() => inner.EpochEnded(epoch));

    public void TrialEnded(TrialEnd trial) => Guard(() => inner.TrialEnded(trial));

    public void SweepEnded(SweepEnd end) => Guard(() => inner.SweepEnded(end));

    private static void Guard(Action report)
    {
        try
        {
            report();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Trace.TraceWarning($"Sweep progress reporter failed: {e}");
        }
    }
}
