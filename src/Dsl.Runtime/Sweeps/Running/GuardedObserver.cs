using System.Diagnostics;

namespace Dsl.Sweeps.Running;

/// <summary>
/// Calls each observer in turn, so that one that throws (a display, a report on a full disk) cannot fail trials, stop
/// the sweep, or keep the observers after it from hearing the event.
/// </summary>
internal sealed class GuardedObserver(IReadOnlyList<ISweepObserver> observers) : ISweepObserver
{
    public void SweepStarted(SweepStart start) => Guard(o => o.SweepStarted(start));

    public void TrialStarted(TrialStart trial) => Guard(o => o.TrialStarted(trial));

    public void EpochEnded(TrialEpoch epoch) => Guard(o => o.EpochEnded(epoch));

    public void TrialEnded(TrialEnd trial) => Guard(o => o.TrialEnded(trial));

    public void SweepEnded(SweepEnd end) => Guard(o => o.SweepEnded(end));

    public void Warning(string message) => Guard(o => o.Warning(message));

    private void Guard(Action<ISweepObserver> report)
    {
        foreach (var observer in observers)
        {
            try
            {
                report(observer);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Trace.TraceWarning($"Sweep observer {observer.GetType().Name} failed: {e}");
            }
        }
    }
}
