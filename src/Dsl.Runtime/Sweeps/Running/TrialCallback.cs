using Dsl.Search.Pruning;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Training;

namespace Dsl.Sweeps.Running;

/// <summary>
/// Connects one trial's training to its study: after each epoch it records the validation metric, shows it, and asks
/// the pruner whether to go on.
/// </summary>
/// <remarks>
/// It runs on the trial's training thread, so it waits for the store synchronously; store writes take no cancellation
/// token, so a Ctrl-C never leaves a half-recorded epoch.
/// </remarks>
internal sealed class TrialCallback(
    IStudyStorage storage,
    string study,
    StudyDirection direction,
    MonitoredMetric metric,
    IPruner? pruner,
    ISweepObserver progress,
    StudyStandings standings,
    int number,
    IReadOnlyDictionary<string, object> parameters,
    int epochs,
    int job) : ITrainingCallback
{
    private readonly Dictionary<int, double> intermediate = [];

    /// <summary>The values reported so far, by epoch.</summary>
    public IReadOnlyDictionary<int, double> IntermediateValues => intermediate;

    /// <summary>The last finite value reported, which stands for the trial when it is pruned.</summary>
    public double? LastValue { get; private set; }

    /// <summary>Epochs that finished.</summary>
    public int EpochsTrained { get; private set; }

    /// <summary>Whether the store no longer lets this worker report: another worker recovered the trial as stale.</summary>
    public bool Lost { get; private set; }

    public EpochDecision OnEpochEnd(EpochReport report)
    {
        EpochsTrained = report.Epoch;
        var value = metric.Read(report);
        progress.EpochEnded(new TrialEpoch(number, report.Epoch, epochs, value, report.TrainLoss, job));
        // A non-finite validation loss ends the run as diverged in the trainer; there is nothing worth recording.
        if (!double.IsFinite(value)) return EpochDecision.Continue;

        intermediate[report.Epoch] = value;
        LastValue = value;
        try
        {
            storage.ReportIntermediateValueAsync(study, number, report.Epoch, value, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (TrialStateException)
        {
            Lost = true;
            return EpochDecision.Stop;
        }

        if (pruner is null or NopPruner) return EpochDecision.Continue;
        var history = storage.GetTrialsAsync(study, CancellationToken.None).GetAwaiter().GetResult();
        standings.Update(history);
        var self = new TrialRecord(number, TrialState.Running, parameters, null, new Dictionary<int, double>(intermediate));
        return pruner.ShouldPrune(self, history, direction) ? EpochDecision.Prune : EpochDecision.Continue;
    }
}
