using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>Attribute keys the stores fill in themselves on every <see cref="TrialRecord"/>; callers cannot set them.</summary>
public static class TrialAttributeKeys
{
    /// <summary>The prefix reserved for the stores' own keys.</summary>
    public const string ReservedPrefix = "dsl.";

    /// <summary>The worker that claimed the trial.</summary>
    public const string Worker = "dsl.worker";

    /// <summary>The number of the failed trial this one retries.</summary>
    public const string RetryOf = "dsl.retry_of";

    /// <summary>When the trial's worker last heart-beat (UTC, ISO 8601).</summary>
    public const string HeartbeatAt = "dsl.heartbeat_at";
}
