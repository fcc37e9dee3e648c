namespace Dsl.Training;

/// <summary>Why a training run ended.</summary>
public enum TrainingOutcome
{
    /// <summary>Every epoch ran.</summary>
    Completed,
    /// <summary>Early stopping ended the run: the monitored metric stopped improving.</summary>
    EarlyStopped,
    /// <summary>A callback (a sweep's pruner) judged the run unpromising.</summary>
    Pruned,
    /// <summary>A callback asked to stop for another reason.</summary>
    StoppedByCallback,
    /// <summary>The cancellation token fired; the run stopped within one batch.</summary>
    Cancelled,
    /// <summary>A loss or monitored metric became NaN or infinite.</summary>
    Diverged,
}

/// <summary>What a callback tells the trainer after an epoch.</summary>
public enum EpochDecision
{
    /// <summary>Go on training.</summary>
    Continue,
    /// <summary>Stop: the run ends as <see cref="TrainingOutcome.Pruned"/>.</summary>
    Prune,
    /// <summary>Stop: the run ends as <see cref="TrainingOutcome.StoppedByCallback"/>.</summary>
    Stop,
}
