using System.Data.Common;

namespace Dsl.Studies.Relational;

/// <summary>What one database does differently under <see cref="RelationalStudyStorage"/>: its tables' DDL, its locks, and its errors.</summary>
/// <remarks>
/// <para>
/// Everything else (the trial state machine, claims, heartbeats, recovery, caching) is written once over ADO.NET, in
/// SQL that SQLite and PostgreSQL both accept: <c>@name</c> parameters, <c>INSERT … RETURNING</c>, <c>LIMIT</c>,
/// <c>COALESCE</c>, and the <c>ON CONFLICT</c> upsert of <see cref="Upsert"/>. Values are read back through
/// <c>Convert</c>, so a database may return an integer column as <c>int</c> or <c>long</c>.
/// </para>
/// <para>
/// The differences are the members of this class. SQLite locks the whole file for a writer (<c>BEGIN IMMEDIATE</c>),
/// so it needs no row lock but queues this process's writers; a server database runs writers side by side and
/// serialises the operations that number trials by locking the study's row (<c>SELECT … FOR UPDATE</c>), and retries
/// a transaction the server aborted as a serialization failure or deadlock.
/// </para>
/// </remarks>
public abstract class SqlDialect
{
    /// <summary>The database's name for messages: "SQLite", "PostgreSQL".</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The scripts that bring the store's tables from schema version <c>index</c> to <c>index + 1</c>. Version 1 creates
    /// <c>schema_version</c>, <c>studies</c>, <c>trials</c>, <c>trial_params</c>, <c>trial_values</c> and
    /// <c>trial_attributes</c>; version 2 adds <c>trials.revision</c>; version 3 adds <c>study_attributes</c>. Column names and meanings are the same in every
    /// dialect; types, identity columns and index syntax are the database's own.
    /// </summary>
    public abstract IReadOnlyList<string> Migrations { get; }

    /// <summary>A query whose one text column lists the tables of the schema the store uses, to tell an empty database from a foreign one.</summary>
    public abstract string ListTablesQuery { get; }

    /// <summary>
    /// The column of <c>trial_params</c> that orders a trial's parameters as they were written: SQLite's <c>rowid</c>,
    /// an identity column elsewhere.
    /// </summary>
    public abstract string ParameterOrderColumn { get; }

    /// <summary>
    /// Appended to the query of the study's row in the transactions that number trials (claim, enqueue, recovery), so
    /// that they run one at a time, and to the query of a running trial's row in those that report or finish it, so that
    /// a recovery cannot fail it in between: <c>" FOR UPDATE"</c> on a server, empty where <see cref="BeginWriteAsync"/>
    /// already locks the whole database.
    /// </summary>
    public abstract string LockStudyRowClause { get; }

    /// <summary>
    /// Whether this process's writers should queue for each other before they begin: true where the database admits one
    /// writer at a time and makes the others poll for the lock (SQLite), false for a server.
    /// </summary>
    public abstract bool QueueWritersInProcess { get; }

    /// <summary>Begins a transaction that writes, taking at once the locks its writes will need.</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a transaction that only reads, from one snapshot, so that the several queries of a read agree.</summary>
    public abstract ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// A statement the transaction that checks and creates the schema runs first, so that two processes opening an empty
    /// database at once do not both create it (a server's advisory lock); null where <see cref="BeginWriteAsync"/> already
    /// locks the whole database.
    /// </summary>
    public virtual string? LockSchemaStatement => null;

    /// <summary>
    /// How long a transaction that keeps failing with transient errors (<see cref="IsTransient"/>) is retried, with growing
    /// pauses, before the error is final: long enough on a server to ride out its restart. Zero retries a few times only.
    /// </summary>
    public virtual TimeSpan TransientRetryWindow => TimeSpan.Zero;

    /// <summary>Prepares a database for writers before its schema is checked or created (SQLite switches the file to WAL); nothing by default.</summary>
    public virtual Task PrepareForWritingAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether a transaction that failed with <paramref name="error"/> may simply run again: a serialization failure, a
    /// deadlock, or (on a server) a lost connection.
    /// </summary>
    public abstract bool IsTransient(DbException error);

    /// <summary>The error to report for a database error, in words that say what to do; <paramref name="where"/> names the store.</summary>
    public virtual StudyStorageException Translate(DbException error, string where) =>
        new($"The study store {where} failed: {error.Message}", error);

    /// <summary>
    /// An insert that replaces the value columns of the row with the same key columns. Parameters are named after the
    /// columns (<c>@trial_id</c>). The default is the <c>ON CONFLICT … DO UPDATE</c> that SQLite and PostgreSQL share.
    /// </summary>
    public virtual string Upsert(string table, IReadOnlyList<string> keyColumns, IReadOnlyList<string> valueColumns)
    {
        var columns = keyColumns.Concat(valueColumns).ToList();
        return $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))}) "
               + $"ON CONFLICT ({string.Join(", ", keyColumns)}) DO UPDATE SET {string.Join(", ", valueColumns.Select(c => $"{c} = excluded.{c}"))}";
    }
}
