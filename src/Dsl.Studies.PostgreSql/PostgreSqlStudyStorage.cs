using Dsl.Studies.Relational;
using Npgsql;

namespace Dsl.Studies.PostgreSql;

/// <summary>
/// Opens study stores on a PostgreSQL server, where sweeps on several machines share one study:
/// <c>PostgreSqlStudyStorage.Open("postgresql://user@host:5432/db")</c>, or <c>StudyStorage.Open</c> with the same URL
/// once this package is referenced.
/// </summary>
/// <remarks>
/// Connections come from a pool and return to it when each store operation ends, so a worker holds none while it
/// trains. The schema is created on first use. Passwords come from the URL, <c>PGPASSWORD</c> or <c>~/.pgpass</c> and
/// appear in no location or message.
/// </remarks>
public static class PostgreSqlStudyStorage
{
    /// <summary>A store on the server and database <paramref name="urlOrConnectionString"/> names: a <c>postgresql://</c> URL or an Npgsql connection string.</summary>
    /// <exception cref="ArgumentException">The text is neither; the message masks its password.</exception>
    public static IStudyStorage Open(string urlOrConnectionString, PostgreSqlStudyStorageOptions? options = null)
    {
        options ??= new PostgreSqlStudyStorageOptions();
        var text = PostgreSqlConnectionText.Parse(urlOrConnectionString);
        var builder = new NpgsqlDataSourceBuilder(text.Builder.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "Dsl";
        var dataSource = builder.Build();
        return new RelationalStudyStorage(new PostgreSqlDialect(dataSource, options, text.Password), dataSource, text.Location, options);
    }

    /// <summary>A store named by a <c>postgresql://</c> URL, read-only as read commands open it; what <c>StudyStorage.Open</c> calls.</summary>
    public static IStudyStorage Open(string url, bool readOnly) => Open(url, new PostgreSqlStudyStorageOptions { ReadOnly = readOnly });
}
