using Dsl.Studies.Relational;
using Dsl.Studies.Sqlite;

namespace Dsl.Studies;

/// <summary>Creates study stores: <c>StudyStorage.InMemory()</c>, <c>StudyStorage.Sqlite("fashion.db")</c>, or <c>StudyStorage.Open(text)</c> for a command-line value.</summary>
public static class StudyStorage
{
    private const string SqliteScheme = "sqlite:///";

    /// <summary>A store that lives in this process only.</summary>
    public static IStudyStorage InMemory() => new InMemoryStudyStorage();

    /// <summary>
    /// A store in a SQLite file, given as a path or a <c>sqlite:///path</c> URL (<c>sqlite:////abs/path.db</c> for an
    /// absolute path, as in SQLAlchemy and Optuna). A writable store creates the file on first use; one opened
    /// <see cref="RelationalStudyStorageOptions.ReadOnly"/> never writes to it.
    /// </summary>
    public static IStudyStorage Sqlite(string pathOrUrl, SqliteStudyStorageOptions? options = null)
    {
        options ??= new SqliteStudyStorageOptions();
        var path = System.IO.Path.GetFullPath(SqlitePath(pathOrUrl));
        return new RelationalStudyStorage(new SqliteDialect(options), new SqliteDataSource(path, options), path, options);
    }

    /// <summary>
    /// A store named by text, as a <c>--storage</c> option takes it: <c>memory</c> (or <c>:memory:</c>) for an in-memory
    /// store, a <c>sqlite:///</c> URL, a file path, or a <c>postgresql://user@host:5432/db</c> URL (which needs the
    /// Dsl.Studies.PostgreSql package). With <paramref name="readOnly"/>, as read commands open it: nothing is created,
    /// upgraded or written.
    /// </summary>
    public static IStudyStorage Open(string text, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        if (trimmed is "memory" or ":memory:" or "inmemory" or "in-memory")
            return InMemory();
        if (IsPostgreSqlUrl(trimmed))
            return ServerStores.OpenPostgreSql(trimmed, readOnly);
        var scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && !trimmed.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"Unsupported study storage '{trimmed[..scheme]}://'; use 'memory', a SQLite file path, a sqlite:///path URL or a postgresql:// URL.", nameof(text));
        return Sqlite(trimmed, new SqliteStudyStorageOptions { ReadOnly = readOnly });
    }

    /// <summary>Whether <paramref name="text"/> is a <c>postgresql://</c> or <c>postgres://</c> URL, the schemes libpq and SQLAlchemy take.</summary>
    public static bool IsPostgreSqlUrl(string text) =>
        text.TrimStart().StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || text.TrimStart().StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A worker id unique across machines and processes (host, process id, random suffix), for claims and heartbeats.</summary>
    public static string NewWorkerId() =>
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The file path a SQLite path or URL names.</summary>
    internal static string SqlitePath(string pathOrUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrUrl);
        if (pathOrUrl.StartsWith(SqliteScheme, StringComparison.OrdinalIgnoreCase))
        {
            var path = Uri.UnescapeDataString(pathOrUrl[SqliteScheme.Length..]);
            return path.Length > 0
                ? path
                : throw new ArgumentException($"'{pathOrUrl}' names no file; write sqlite:///study.db or sqlite:////absolute/study.db.", nameof(pathOrUrl));
        }
        if (pathOrUrl.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"'{pathOrUrl}' is not a SQLite URL; write sqlite:///study.db or sqlite:////absolute/study.db.", nameof(pathOrUrl));
        return pathOrUrl;
    }
}
