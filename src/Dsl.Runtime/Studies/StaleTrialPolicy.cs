namespace Dsl.Studies;

/// <summary>Decides which running trials have lost their worker and what becomes of them.</summary>
/// <remarks>
/// A trial is stale when any rule that is switched on says so. The defaults are safe with several workers on one study:
/// a live worker that heart-beats more often than <see cref="HeartbeatTimeout"/> never loses its trials.
/// </remarks>
public sealed record StaleTrialPolicy
{
    /// <summary>The defaults: a five-minute heartbeat timeout, dead local processes detected at once, no retry.</summary>
    public static StaleTrialPolicy Default { get; } = new();

    /// <summary>
    /// Running trials whose worker has not heart-beaten (or claimed them) for this long are stale; null switches the rule off.
    /// Workers should beat several times per timeout.
    /// </summary>
    public TimeSpan? HeartbeatTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A trial claimed by a process on this machine that no longer runs is stale at once, whatever its heartbeat: after a
    /// <c>kill -9</c>, the rerun recovers the interrupted trial without waiting for the timeout. Switch off when hosts that
    /// share a store also share a host name but not a process table (containers with a fixed host name).
    /// </summary>
    public bool DetectDeadLocalProcesses { get; init; } = true;

    /// <summary>
    /// Every running trial is stale. Only for a caller that knows it is the study's sole worker and has not claimed
    /// anything yet, such as a single-process sweep that is starting.
    /// </summary>
    public bool TreatAllRunningAsStale { get; init; }

    /// <summary>How many times one set of parameters is retried: a stale trial is re-enqueued while its retry chain is shorter.</summary>
    public int MaxRetries
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRetries), value, "MaxRetries cannot be negative.");
    }
}

/// <summary>A running trial that recovery failed, and its retry if it got one.</summary>
/// <param name="Number">The stale trial's number; it is now failed.</param>
/// <param name="Error">The error recorded on it.</param>
/// <param name="RetriedAs">The number of the waiting trial that retries its parameters, if any.</param>
public sealed record RecoveredTrial(int Number, string Error, int? RetriedAs);
