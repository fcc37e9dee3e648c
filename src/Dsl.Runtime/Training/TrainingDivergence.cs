using System.Globalization;

namespace Dsl.Training;

/// <summary>Where and why a run diverged: its loss, a monitored metric or its weights stopped being finite.</summary>
/// <param name="Epoch">The 1-based epoch in which it happened.</param>
/// <param name="Batch">The 1-based batch, when a training step found it; null when found after the epoch's steps.</param>
/// <param name="LearningRate">The learning rate of that step, or of the epoch's last step.</param>
/// <param name="Reason">What stopped being finite, for example "the training loss became NaN; that step was not applied".</param>
public sealed record TrainingDivergence(int Epoch, int? Batch, double LearningRate, string Reason)
{
    /// <summary>One line for a log or an error: "diverged in epoch 3, batch 7 (learning rate 0.5): the training loss became NaN; …".</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"diverged in epoch {Epoch}{(Batch is { } batch ? $", batch {batch}" : "")} (learning rate {LearningRate:G4}): {Reason}");
}

/// <summary>A training run diverged where trained weights were needed; thrown by <see cref="TrainingResult.EnsureNotDiverged"/>.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for <paramref name="divergence"/>.</summary>
    public TrainingDivergedException(TrainingDivergence divergence)
        : base("Training " + (divergence ?? throw new ArgumentNullException(nameof(divergence))) + ".")
    {
        Divergence = divergence;
    }

    /// <summary>Where and why the run diverged.</summary>
    public TrainingDivergence Divergence { get; }
}
