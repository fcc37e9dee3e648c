using System.Data.Common;
using Dsl.Studies.Relational;
using Microsoft.Data.Sqlite;

namespace Dsl.Studies.Sqlite;

/// <summary>SQLite under the relational store: one file, one writer at a time, WAL journaling.</summary>
/// <remarks>
/// <para>
/// Writes take the write lock up front (<c>BEGIN IMMEDIATE</c>): a transaction that starts as a reader and upgrades is
/// what fails with "database is locked" in WAL mode, because SQLite cannot wait for it. Holding the file's only write
/// lock also serialises claims, so no row lock is needed. Jobs of one process queue in the store; other processes wait
/// in SQLite's busy handler up to <see cref="SqliteStudyStorageOptions.BusyTimeout"/>, after which an error is final.
/// </para>
/// <para>
/// The file uses WAL journaling with <c>synchronous = NORMAL</c>: a committed change survives a crash of the process;
/// a power cut may lose the last few commits but never corrupts the file. Keep the file on a local disk: SQLite's
/// locking is unreliable on network file systems.
/// </para>
/// </remarks>
internal sealed class SqliteDialect(SqliteStudyStorageOptions options) : SqlDialect
{
    public override string Name => "SQLite";

    public override IReadOnlyList<string> Migrations => SqliteSchema.Migrations;

    public override string ListTablesQuery => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

    public override string ParameterOrderColumn => "rowid";

    public override string LockStudyRowClause => "";

    public override bool QueueWritersInProcess => true;

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override async Task PrepareForWritingAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode = WAL";
        await wal.ExecuteScalarAsync(cancellationToken);
    }

    // SQLite's busy handler already waited the busy timeout; running the transaction again would only wait once more.
    public override bool IsTransient(DbException error) => false;

    public override StudyStorageException Translate(DbException error, string where) => (error as SqliteException)?.SqliteErrorCode switch
    {
        // SQLITE_NOTADB, SQLITE_CORRUPT
        26 or 11 => new($"{where} is not a Dsl study store, or is damaged ({error.Message}). Give the sweep another file.", error),
        // SQLITE_CANTOPEN
        14 when options.ReadOnly => new($"Cannot open the study store {where} for reading ({error.Message}). Check that the file exists and is readable.", error),
        14 => new($"Cannot open or create the study store {where} ({error.Message}). Check that its folder exists and is writable.", error),
        // SQLITE_BUSY, SQLITE_LOCKED: only after the busy timeout, so another writer really held the file that long.
        5 or 6 => new($"The study store {where} stayed locked by another writer for more than {options.BusyTimeout.TotalSeconds:0} s ({error.Message}).", error),
        // SQLITE_READONLY
        8 => new($"The study store {where} is read-only ({error.Message}).", error),
        _ => base.Translate(error, where),
    };
}
