using System.Data;
using System.Data.Common;
using Dsl.Studies.Relational;
using Npgsql;

namespace Dsl.Studies.PostgreSql;

/// <summary>PostgreSQL under the relational store: writers side by side, claims serialised by the study row's lock.</summary>
/// <remarks>
/// <para>
/// Writes run at READ COMMITTED: the transactions that number trials lock the study's row (<c>SELECT … FOR UPDATE</c>),
/// and those that report or finish a trial lock its row, so each statement after the lock sees what the transaction
/// before it committed. Reads run at REPEATABLE READ, so the several queries of one read see one snapshot. The schema is
/// created under a transaction-scoped advisory lock, so that workers starting together create it once.
/// </para>
/// <para>
/// Deadlocks, serialization failures, lost connections and a server that is shutting down or starting up are
/// transient: the store runs the transaction again, for up to <see cref="PostgreSqlStudyStorageOptions.RetryWindow"/>,
/// after dropping the pool's connections, which a restart has broken.
/// </para>
/// </remarks>
internal sealed class PostgreSqlDialect(NpgsqlDataSource dataSource, PostgreSqlStudyStorageOptions options, string? password) : SqlDialect
{
    // Any constant names the lock; advisory locks are per database, like the store's tables.
    private const long SchemaLockKey = 0x44534C5F53545544; // "DSL_STUD"

    public override string Name => "PostgreSQL";

    public override IReadOnlyList<string> Migrations => PostgreSqlSchema.Migrations;

    public override string ListTablesQuery =>
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1";

    public override string ParameterOrderColumn => "param_id";

    public override string LockStudyRowClause => " FOR UPDATE";

    public override bool QueueWritersInProcess => false;

    public override string? LockSchemaStatement => $"SELECT pg_advisory_xact_lock({SchemaLockKey})";

    public override TimeSpan TransientRetryWindow => options.RetryWindow;

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public override async ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public override bool IsTransient(DbException error)
    {
        var transient = error switch
        {
            PostgresException server => IsTransientState(server.SqlState),
            NpgsqlException client => client.IsTransient,
            _ => false,
        };
        // After a restart every idle connection in the pool is broken; drop them rather than fail on each in turn.
        if (transient && error is not PostgresException { SqlState: "40001" or "40P01" })
            dataSource.Clear();
        return transient;
    }

    /// <summary>
    /// Serialization failure, deadlock, a lost or refused connection (class 08), the server shutting down (57P01,
    /// 57P02) or starting up (57P03), too many connections (53300).
    /// </summary>
    internal static bool IsTransientState(string state) =>
        state is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300" || state.StartsWith("08", StringComparison.Ordinal);

    public override StudyStorageException Translate(DbException error, string where)
    {
        var message = PostgreSqlConnectionText.Mask(error.Message, password);
        return (error as PostgresException)?.SqlState switch
        {
            "28P01" or "28000" => new(
                $"The PostgreSQL server of {where} refused the login ({message}). Give the password in the URL, in PGPASSWORD or in ~/.pgpass.", error),
            "3D000" => new($"The PostgreSQL database of {where} does not exist ({message}). Create it first (createdb).", error),
            "42501" => new($"The PostgreSQL user of {where} lacks a privilege the study store needs ({message}).", error),
            "25006" => new($"The study store {where} is read-only on the server ({message}).", error),
            _ when IsTransient(error) => new(
                $"Cannot reach the PostgreSQL server of the study store {where} ({message}). Check that it runs and accepts connections from this machine.", error),
            _ => new($"The study store {where} failed: {message}", error),
        };
    }
}
