namespace Dsl.Search.Trials;

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
