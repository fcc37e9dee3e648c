using Dsl.Search.Pruning;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Training;

namespace Dsl.Sweeps.Running;

/// <summary>
/// Connects one trial to its study: each reported value (a model's validation metric after an epoch, or a user
/// objective's intermediate value) is recorded, shown, and put to the pruner.
/// </summary>
/// <remarks>
/// A model trial reports from its training thread and waits for the store synchronously; store writes take no
/// cancellation token, so a Ctrl-C never leaves a half-recorded step.
/// </remarks>
internal sealed class TrialCallback(
    IStudyStorage storage,
    string study,
    StudyDirection direction,
    MonitoredMetric? metric,
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
        var value = metric!.Value.Read(report);
        return ReportAsync(report.Epoch, value, report.TrainLoss).GetAwaiter().GetResult();
    }

    /// <summary>Records <paramref name="value"/> at <paramref name="step"/> and says whether the trial goes on, is pruned, or was lost.</summary>
    public async Task<EpochDecision> ReportAsync(int step, double value, double trainLoss = double.NaN)
    {
        EpochsTrained = step;
        progress.EpochEnded(new TrialEpoch(number, step, epochs, value, trainLoss, job));
        // A non-finite validation loss ends the run as diverged in the trainer; there is nothing worth recording.
        if (!double.IsFinite(value)) return EpochDecision.Continue;

        intermediate[step] = value;
        LastValue = value;
        try
        {
            await storage.ReportIntermediateValueAsync(study, number, step, value, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TrialStateException)
        {
            Lost = true;
            return EpochDecision.Stop;
        }

        if (pruner is null or NopPruner) return EpochDecision.Continue;
        var history = await storage.GetTrialsAsync(study, CancellationToken.None).ConfigureAwait(false);
        standings.Update(history);
        var self = new TrialRecord(number, TrialState.Running, parameters, null, new Dictionary<int, double>(intermediate));
        return pruner.ShouldPrune(self, history, direction) ? EpochDecision.Prune : EpochDecision.Continue;
    }
}
