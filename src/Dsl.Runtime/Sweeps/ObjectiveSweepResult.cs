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
public sealed class ObjectiveSweepResult<THyperparameters> : SweepOutcome
    where THyperparameters : IHyperparameters<THyperparameters>
{
    private readonly ObjectiveBest<THyperparameters>? best;

    internal ObjectiveSweepResult(
        string study, string metric, StudyDirection direction, IReadOnlyList<TrialRecord> trials, ObjectiveBest<THyperparameters>? best,
        SweepStopReason stopReason, TimeSpan elapsed, string outputDirectory)
        : base(study, direction, trials, stopReason, elapsed, outputDirectory)
    {
        Metric = metric;
        this.best = best;
    }

    /// <summary>The objective's name.</summary>
    public string Metric { get; }

    /// <summary>Whether any trial completed, so that <see cref="Best"/> exists.</summary>
    public bool HasBest => best is not null;

    /// <summary>The best complete trial.</summary>
    /// <exception cref="InvalidOperationException">No trial completed; check <see cref="HasBest"/> and the trials' errors.</exception>
    public ObjectiveBest<THyperparameters> Best => best ?? throw new InvalidOperationException(
        $"Study '{Study}' has no best trial: {SweepText.NoCompleteTrial(Trials)}.");
}
