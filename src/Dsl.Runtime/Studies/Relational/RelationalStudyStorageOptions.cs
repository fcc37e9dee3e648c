namespace Dsl.Studies.Relational;

/// <summary>Settings every <see cref="RelationalStudyStorage"/> takes, whatever its database; the defaults suit sweeps.</summary>
public record RelationalStudyStorageOptions
{
    /// <summary>
    /// Open the store for reading only: no schema is created or upgraded, no write transaction begins, and every method
    /// that would change the store throws. Read commands (<c>show</c>, <c>best</c>, <c>export</c>) open studies this way,
    /// so they work on a file the user may not write.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>The clock behind timestamps and heartbeats.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The process recorded on claims; tests stand in a process that has exited.</summary>
    internal WorkerProcess Process { get; init; } = WorkerProcess.Current;
}
