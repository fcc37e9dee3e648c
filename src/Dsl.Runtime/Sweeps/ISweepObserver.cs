using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;

using Dsl.Sweeps.Output;

namespace Dsl.Sweeps;

/// <summary>Observes a sweep: its start, each trial's start, epochs and end, and the final standings.</summary>
/// <remarks>
/// The engine reports to observers and nothing else: the progress display, the plotted report (Dsl.Reporting) and
/// later a dashboard all watch a sweep through this one interface, so none of them is a dependency of the engine.
/// Every member has a do-nothing default, so an implementation overrides only what it needs. With several jobs, members are called from several training threads at once: implementations must be thread-safe.
/// They run between epochs on the training thread, so they should be quick, and they must not throw. <see cref="Warning"/>
/// can also come from the heartbeat's timer thread, and before <see cref="SweepStarted"/> or after <see cref="SweepEnded"/>.
/// </remarks>
public interface ISweepObserver
{
    /// <summary>Called once, after stale trials are recovered and warm-start trials are enqueued, before the first claim.</summary>
    void SweepStarted(SweepStart start)
    {
    }

    /// <summary>Called when a job claims a trial, before its model is built.</summary>
    void TrialStarted(TrialStart trial)
    {
    }

    /// <summary>Called after each epoch of a trial, with the value reported to the study.</summary>
    void EpochEnded(TrialEpoch epoch)
    {
    }

    /// <summary>Called when a trial reaches its final state.</summary>
    void TrialEnded(TrialEnd trial)
    {
    }

    /// <summary>Called once when the sweep ends, with every trial of the study.</summary>
    void SweepEnded(SweepEnd end)
    {
    }

    /// <summary>
    /// Called when the sweep works around a problem and goes on: a checkpoint, best.pt or best.json it could not write,
    /// a heartbeat the store did not take. <paramref name="message"/> is one line that says what and where.
    /// </summary>
    void Warning(string message)
    {
    }
}

/// <summary>What a sweep is about to do.</summary>
/// <param name="Study">The study's name.</param>
/// <param name="Storage">Where the study lives, in words (a file path, or "in memory").</param>
/// <param name="Metric">The objective's name, for example "accuracy".</param>
/// <param name="Direction">Whether smaller or larger values are better.</param>
/// <param name="Trials">The number of trials the study should reach.</param>
/// <param name="Counted">How many trials already count towards <paramref name="Trials"/> (a resumed study).</param>
/// <param name="Jobs">Trials trained in parallel.</param>
/// <param name="Epochs">The most epochs a trial trains.</param>
/// <param name="Sampler">The sampler's name.</param>
/// <param name="Pruner">The pruner's name, or "none".</param>
/// <param name="Recovered">Trials of dead workers that were failed at the start, and their retries.</param>
/// <param name="Enqueued">Warm-start trials added by this run.</param>
public sealed record SweepStart(
    string Study,
    string Storage,
    string Metric,
    StudyDirection Direction,
    int Trials,
    int Counted,
    int Jobs,
    int Epochs,
    string Sampler,
    string Pruner,
    IReadOnlyList<RecoveredTrial> Recovered,
    int Enqueued);

/// <summary>A trial a job has just claimed.</summary>
/// <param name="Number">The trial's number in the study.</param>
/// <param name="Index">Its 1-based position towards the study's trial count (trial <paramref name="Index"/> of <paramref name="Total"/>).</param>
/// <param name="Total">The number of trials the study should reach.</param>
/// <param name="Parameters">The assignment it trains with.</param>
/// <param name="Epochs">The most epochs it trains.</param>
/// <param name="Job">The 0-based job running it.</param>
/// <param name="RetryOf">The failed trial it retries, if any.</param>
public sealed record TrialStart(
    int Number,
    int Index,
    int Total,
    IReadOnlyDictionary<string, object> Parameters,
    int Epochs,
    int Job,
    int? RetryOf);

/// <summary>One finished epoch of a trial.</summary>
/// <param name="Number">The trial's number.</param>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">The most epochs the trial trains.</param>
/// <param name="Value">The objective measured on the validation set.</param>
/// <param name="TrainLoss">The epoch's mean training loss.</param>
/// <param name="Job">The 0-based job running it.</param>
public sealed record TrialEpoch(int Number, int Epoch, int Epochs, double Value, double TrainLoss, int Job);

/// <summary>A trial that reached its final state.</summary>
/// <param name="Number">The trial's number.</param>
/// <param name="State">Complete, pruned or failed.</param>
/// <param name="Value">Its objective (the last reported value for a pruned trial), if any.</param>
/// <param name="Error">Why it failed, for failed trials.</param>
/// <param name="EpochsTrained">How many epochs it finished.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="IsNewBest">Whether it became the study's best trial.</param>
/// <param name="BestNumber">The study's best trial after this one, if any.</param>
/// <param name="BestValue">The study's best value after this one, if any.</param>
/// <param name="Job">The 0-based job that ran it.</param>
/// <param name="RetriedAs">The waiting trial that retries it, if it was interrupted and will be retried.</param>
public sealed record TrialEnd(
    int Number,
    TrialState State,
    double? Value,
    string? Error,
    int EpochsTrained,
    TimeSpan Duration,
    bool IsNewBest,
    int? BestNumber,
    double? BestValue,
    int Job,
    int? RetriedAs);

/// <summary>How a sweep ended, with every trial of its study.</summary>
/// <param name="Study">The study's name.</param>
/// <param name="Metric">The objective's name.</param>
/// <param name="Direction">Whether smaller or larger values are better.</param>
/// <param name="Reason">Why the sweep stopped.</param>
/// <param name="Trials">Every trial of the study, in number order.</param>
/// <param name="Best">The best complete trial, if any.</param>
/// <param name="Elapsed">How long this run took.</param>
/// <param name="OutputDirectory">Where the best checkpoint and hyperparameters were written.</param>
/// <param name="Space">The searched parameters, model and sweep together.</param>
/// <param name="Error">The error that ended the sweep, when <paramref name="Reason"/> is <see cref="SweepStopReason.Failed"/>.</param>
public sealed record SweepEnd(
    string Study,
    string Metric,
    StudyDirection Direction,
    SweepStopReason Reason,
    IReadOnlyList<TrialRecord> Trials,
    TrialRecord? Best,
    TimeSpan Elapsed,
    string OutputDirectory,
    SearchSpace Space,
    string? Error = null)
{
    /// <summary>The study's recorded fusions (its <c>fusion:*</c> attributes), for the report.</summary>
    public IReadOnlyList<FusionRecord> Fusions { get; init; } = [];
}
