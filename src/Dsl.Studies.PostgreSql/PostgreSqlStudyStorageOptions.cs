using Dsl.Studies.Relational;

namespace Dsl.Studies.PostgreSql;

/// <summary>Settings of a PostgreSQL study store (<see cref="PostgreSqlStudyStorage.Open(string, PostgreSqlStudyStorageOptions?)"/>); the defaults suit sweeps.</summary>
public sealed record PostgreSqlStudyStorageOptions : RelationalStudyStorageOptions
{
    /// <summary>
    /// How long an operation that keeps failing because the server is unreachable, restarting or aborted it (deadlock,
    /// serialization failure) is retried before its error is final: long enough for a server restart.
    /// </summary>
    public TimeSpan RetryWindow
    {
        get;
        init => field = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(RetryWindow), value, "RetryWindow must not be negative.");
    } = TimeSpan.FromSeconds(60);
}
