namespace Dsl.Sweeps;

/// <summary>The trial attributes a sweep records besides the store's own, so reports and tools can read them back.</summary>
public static class SweepAttributeKeys
{
    /// <summary>The full path of the trial's own checkpoint, while retention keeps it (see <see cref="SweepOptions.KeepCheckpoints"/>).</summary>
    public const string Checkpoint = "checkpoint";

    /// <summary>The seed the trial's weights, shuffles and dropout were drawn from.</summary>
    public const string Seed = "seed";

    /// <summary>
    /// How the trial's parameters were chosen: <c>enqueued</c> (a warm-start assignment), <c>retry</c> (a retried trial's),
    /// <c>tpe-startup</c> (one of TPE's random startup draws, see <see cref="Dsl.Search.Sampling.TpeOptions.StartupTrials"/>),
    /// or the sampler's name: <c>tpe</c>, <c>random</c>, <c>grid</c>, <c>halton</c>, <c>cmaes</c>.
    /// </summary>
    public const string SampledBy = "sampled_by";

    /// <summary>How the trial's training ended (the trainer's outcome: Completed, EarlyStopped, Pruned, Diverged…).</summary>
    public const string Outcome = "outcome";

    /// <summary>The epoch whose weights and value the trial stands for.</summary>
    public const string Epoch = "epoch";

    /// <summary>The number of the trial a cancelled trial was retried as, set on the cancelled trial.</summary>
    public const string RetriedAs = "sweep.retried_as";

    /// <summary>The cancelled trial this one retries (crash retries carry the store's own <c>dsl.retry_of</c>).</summary>
    public const string RetryOf = "sweep.retry_of";

    /// <summary>Accuracy of the best trial's checkpoint on the sweep's test set.</summary>
    public const string TestAccuracy = "test_accuracy";

    /// <summary>Loss of the best trial's checkpoint on the sweep's test set.</summary>
    public const string TestLoss = "test_loss";
}
