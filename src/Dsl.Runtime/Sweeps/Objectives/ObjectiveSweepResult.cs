using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps;

/// <summary>The best trial of a sweep of user code, with its hyperparameters typed.</summary>
/// <param name="Number">The trial's number in the study.</param>
/// <param name="Value">Its objective.</param>
/// <param name="Hyperparameters">Its hyperparameters.</param>
public sealed record ObjectiveBest<THyperparameters>(int Number, double Value, THyperparameters Hyperparameters);

/// <summary>What a sweep of user code produced: every trial of its study and the best one, typed.</summary>
public sealed class ObjectiveSweepResult<THyperparameters>
    where THyperparameters : IHyperparameters<THyperparameters>
{
    private readonly ObjectiveBest<THyperparameters>? best;

    internal ObjectiveSweepResult(
        string study, string metric, StudyDirection direction, IReadOnlyList<TrialRecord> trials, ObjectiveBest<THyperparameters>? best,
        SweepStopReason stopReason, TimeSpan elapsed, string outputDirectory)
    {
        Study = study;
        Metric = metric;
        Direction = direction;
        Trials = trials;
        this.best = best;
        StopReason = stopReason;
        Elapsed = elapsed;
        OutputDirectory = outputDirectory;
    }

    /// <summary>The study's name.</summary>
    public string Study { get; }

    /// <summary>The objective's name.</summary>
    public string Metric { get; }

    /// <summary>Whether smaller or larger values are better.</summary>
    public StudyDirection Direction { get; }

    /// <summary>Every trial of the study, other runs' and workers' included, in number order.</summary>
    public IReadOnlyList<TrialRecord> Trials { get; }

    /// <summary>Whether any trial completed, so that <see cref="Best"/> exists.</summary>
    public bool HasBest => best is not null;

    /// <summary>The best complete trial.</summary>
    /// <exception cref="InvalidOperationException">No trial completed; check <see cref="HasBest"/> and the trials' errors.</exception>
    public ObjectiveBest<THyperparameters> Best => best ?? throw new InvalidOperationException(
        $"Study '{Study}' has no best trial: {SweepText.NoCompleteTrial(Trials)}.");

    /// <summary>Why the sweep stopped.</summary>
    public SweepStopReason StopReason { get; }

    /// <summary>How long this run took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Where <c>best.json</c> was written, and where observers such as the report write.</summary>
    public string OutputDirectory { get; }

    /// <summary>The <paramref name="top"/> best complete trials, best first (ties by number).</summary>
    public IReadOnlyList<TrialRecord> Leaderboard(int top = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        return SweepText.Ranked(Trials, Direction).Take(top).ToList();
    }
}
