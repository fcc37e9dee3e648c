namespace Dsl.Studies;

/// <summary>Tuning for <see cref="SqliteStudyStorage"/>; the defaults suit sweeps.</summary>
public sealed record SqliteStudyStorageOptions
{
    /// <summary>How long a write waits for another job or process that holds the file's write lock before it gives up.</summary>
    public TimeSpan BusyTimeout
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(BusyTimeout), value, "BusyTimeout must be positive.");
    } = TimeSpan.FromSeconds(60);

    /// <summary>The clock behind timestamps and heartbeats.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The process recorded on claims; tests stand in a process that has exited.</summary>
    internal WorkerProcess Process { get; init; } = WorkerProcess.Current;
}
