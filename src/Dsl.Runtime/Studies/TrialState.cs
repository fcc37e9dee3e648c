namespace Dsl.Studies;

/// <summary>The life cycle of a trial in a study.</summary>
public enum TrialState
{
    /// <summary>Enqueued with fixed parameters, not yet claimed by a worker.</summary>
    Waiting,
    /// <summary>Claimed by a worker and training.</summary>
    Running,
    /// <summary>Finished with a final objective value.</summary>
    Complete,
    /// <summary>Stopped early by a pruner; its last intermediate value stands for it.</summary>
    Pruned,
    /// <summary>Threw, diverged, or its worker died; its error is recorded.</summary>
    Failed,
}

/// <summary>Whether a study looks for the smallest or the largest objective value.</summary>
public enum StudyDirection
{
    /// <summary>Smaller is better (losses, errors).</summary>
    Minimize,
    /// <summary>Larger is better (accuracy, F1).</summary>
    Maximize,
}
