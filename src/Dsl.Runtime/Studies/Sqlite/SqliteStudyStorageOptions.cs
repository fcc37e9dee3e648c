using Dsl.Studies.Relational;

namespace Dsl.Studies.Sqlite;

/// <summary>Settings of a SQLite study store (<c>StudyStorage.Sqlite</c>); the defaults suit sweeps.</summary>
public sealed record SqliteStudyStorageOptions : RelationalStudyStorageOptions
{
    /// <summary>How long a write waits for another job or process that holds the file's write lock before it gives up.</summary>
    public TimeSpan BusyTimeout
    {
        get;
        init => field = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(BusyTimeout), value, "BusyTimeout must be positive.");
    } = TimeSpan.FromSeconds(60);
}
