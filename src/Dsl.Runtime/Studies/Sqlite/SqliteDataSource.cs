using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dsl.Studies.Sqlite;

/// <summary>Opens connections to one SQLite study file, set up for the store: busy timeout, durability, foreign keys.</summary>
internal sealed class SqliteDataSource : DbDataSource
{
    // SQLITE_CANTOPEN
    private const int CantOpen = 14;

    private readonly string path;
    private readonly SqliteStudyStorageOptions options;
    private readonly string writable;
    private volatile string connectionString;

    public SqliteDataSource(string path, SqliteStudyStorageOptions options)
    {
        this.path = path;
        this.options = options;
        writable = Build(path, options, immutable: false);
        connectionString = writable;
    }

    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new SqliteConnection(connectionString);

    // Microsoft.Data.Sqlite's async methods complete synchronously, so the synchronous path loses nothing.
    protected override DbConnection OpenDbConnection() => OpenDbConnectionAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            try
            {
                await SetUpAsync(connection, cancellationToken);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == CantOpen && options.ReadOnly && connectionString == writable && File.Exists(path))
            {
                // A WAL-mode file in a folder this user cannot write: SQLite cannot create the shared-memory file its
                // readers use, and reads such a file only as immutable. No writer is at work on it either, or its
                // -wal and -shm files would be there and the first open would have worked.
                await connection.DisposeAsync();
                connectionString = Build(path, options, immutable: true);
                connection = new SqliteConnection(connectionString);
                await SetUpAsync(connection, cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        var busy = (long)options.BusyTimeout.TotalMilliseconds;
        // Read-only connections change no setting of the file: synchronous and foreign keys only matter to writers.
        pragma.CommandText = options.ReadOnly
            ? string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busy};")
            : string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busy}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        if (options.ReadOnly)
        {
            // SQLite opens lazily: only a first read shows whether the file can be read as it is.
            pragma.CommandText = "SELECT COUNT(*) FROM sqlite_master";
            await pragma.ExecuteScalarAsync(cancellationToken);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) ReleaseFile();
        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore()
    {
        ReleaseFile();
        return base.DisposeAsyncCore();
    }

    // Pooled connections keep the file open; release them so the caller may move or delete it.
    private void ReleaseFile()
    {
        foreach (var text in new[] { writable, connectionString }.Distinct())
        {
            using var connection = new SqliteConnection(text);
            SqliteConnection.ClearPool(connection);
        }
    }

    private static string Build(string path, SqliteStudyStorageOptions options, bool immutable) => new SqliteConnectionStringBuilder
    {
        // immutable=1 is a URI parameter, so that one connection string names the file as a URI.
        DataSource = immutable ? new Uri(path).AbsoluteUri + "?immutable=1" : path,
        Mode = options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
    }.ToString();
}
