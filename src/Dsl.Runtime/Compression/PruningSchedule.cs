namespace Dsl.Compression;

/// <summary>How the pruned fraction grows over training; pruning happens at the start of scheduled epochs, before their steps.</summary>
public enum PruningSchedule
{
    /// <summary>All of the target sparsity at once, at the start epoch; the remaining epochs fine-tune.</summary>
    OneShot,

    /// <summary>Equal increments every k epochs from the start epoch, reaching the target at the end epoch.</summary>
    Steps,

    /// <summary>Zhu and Gupta's (2017) cubic schedule: large steps first, then smaller ones as the target is approached.</summary>
    Cubic,
}
