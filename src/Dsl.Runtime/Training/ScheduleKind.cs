namespace Dsl.Training;

/// <summary>
/// The learning-rate schedules a sweep can search by name; <see cref="LearningRateSchedule.For"/> turns one into its
/// schedule with the usual settings. As a sweep hyperparameter named <c>Schedule</c> it is searched as a categorical.
/// </summary>
public enum ScheduleKind
{
    /// <summary>The same learning rate throughout.</summary>
    Constant,
    /// <summary>Cosine annealing to zero over the trial's epochs.</summary>
    Cosine,
    /// <summary>Cosine annealing after a linear warm-up over the first epoch.</summary>
    WarmupCosine,
    /// <summary>The one-cycle policy with PyTorch's defaults.</summary>
    OneCycle,
}
