namespace Dsl.Studies;

/// <summary>The facts about a running trial that decide whether it is stale; both stores judge them the same way.</summary>
internal readonly record struct RunningTrial(int Number, string? WorkerId, WorkerProcess? Process, DateTimeOffset? HeartbeatAt, int RetryCount);

/// <summary>Applies a <see cref="StaleTrialPolicy"/> to running trials.</summary>
internal static class StaleTrialJudge
{
    /// <summary>The error to record when <paramref name="trial"/> is stale, or null when it is alive.</summary>
    public static string? WhyStale(RunningTrial trial, StaleTrialPolicy policy, DateTimeOffset now)
    {
        var exited = policy.DetectDeadLocalProcesses && trial.Process is { } process && process.HasExitedOnThisHost();
        var silent = policy.HeartbeatTimeout is { } timeout && (trial.HeartbeatAt is not { } beat || now - beat > timeout);
        if (!exited && !silent && !policy.TreatAllRunningAsStale)
            return null;

        var worker = trial.WorkerId ?? "unknown";
        var beatText = trial.HeartbeatAt is { } at ? StoreTime.Format(at) : "an unknown time";
        var detail = exited ? $"; its process {trial.Process!.Pid} on {trial.Process.Host} has exited" : "";
        return $"interrupted (worker {worker} stopped heart-beating at {beatText}{detail})";
    }

    /// <summary>Whether a stale trial gets another try under <paramref name="policy"/>.</summary>
    public static bool ShouldRetry(RunningTrial trial, StaleTrialPolicy policy) => trial.RetryCount < policy.MaxRetries;
}

/// <summary>The one timestamp format the stores write: UTC ISO 8601 with fixed width, so text order is time order.</summary>
internal static class StoreTime
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString(Pattern, System.Globalization.CultureInfo.InvariantCulture);

    private const System.Globalization.DateTimeStyles Styles =
        System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal;

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, Pattern, System.Globalization.CultureInfo.InvariantCulture, Styles);

    public static bool TryParse(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, Pattern, System.Globalization.CultureInfo.InvariantCulture, Styles, out time);
}
