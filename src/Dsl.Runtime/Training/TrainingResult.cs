namespace Dsl.Training;

/// <summary>The outcome of a training run: every epoch's report, why it ended, and its best epoch.</summary>
/// <param name="Epochs">The report of every finished epoch, including those of earlier runs when resumed.</param>
public sealed record TrainingResult(IReadOnlyList<EpochReport> Epochs)
{
    /// <summary>Why the run ended.</summary>
    public TrainingOutcome Outcome { get; init; } = TrainingOutcome.Completed;

    /// <summary>A human-readable reason when the run did not simply complete.</summary>
    public string? Message { get; init; }

    /// <summary>Where and why the run diverged, when <see cref="Outcome"/> is <see cref="TrainingOutcome.Diverged"/>; otherwise null.</summary>
    public TrainingDivergence? Divergence { get; init; }

    /// <summary>The epoch with the best monitored value under early stopping, or null without it.</summary>
    public int? BestEpoch { get; init; }

    /// <summary>Whether the model's weights were reset to <see cref="BestEpoch"/>'s at the end.</summary>
    public bool RestoredBestWeights { get; init; }

    /// <summary>How many epochs' weights the model's stochastic weight average holds; 0 when SWA was off or not applied.</summary>
    public int SwaAveragedEpochs { get; init; }

    /// <summary>The last epoch's report; throws when no epoch finished (for example, cancelled in the first).</summary>
    public EpochReport Last => Epochs.Count > 0 ? Epochs[^1] : throw new InvalidOperationException($"No epoch finished (outcome {Outcome}).");

    /// <summary>
    /// Returns this result, or throws when the run diverged: a caller that goes on to evaluate or save the model cannot
    /// mistake a diverged run's weights for trained ones.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The run diverged; the message says in which epoch, at what learning rate, and why.</exception>
    public TrainingResult EnsureNotDiverged() =>
        Divergence is { } divergence ? throw new TrainingDivergedException(divergence) : this;

    /// <summary>The report of <see cref="BestEpoch"/>, or the last epoch's without early stopping; null when no epoch finished.</summary>
    public EpochReport? Best => BestEpoch is { } best ? Epochs.FirstOrDefault(e => e.Epoch == best) : Epochs.Count > 0 ? Epochs[^1] : null;
}
