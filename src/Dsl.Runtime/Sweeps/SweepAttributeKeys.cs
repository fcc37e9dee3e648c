namespace Dsl.Sweeps;

/// <summary>The trial attributes a sweep records besides the store's own, so reports and tools can read them back.</summary>
public static class SweepAttributeKeys
{
    /// <summary>The full path of the checkpoint saved when the trial became the study's best.</summary>
    public const string Checkpoint = "checkpoint";

    /// <summary>The seed the trial's weights, shuffles and dropout were drawn from.</summary>
    public const string Seed = "seed";

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
