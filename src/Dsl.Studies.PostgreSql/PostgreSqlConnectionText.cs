using System.Globalization;
using System.Text;
using Npgsql;

namespace Dsl.Studies.PostgreSql;

/// <summary>
/// Reads what names a PostgreSQL study store: a <c>postgresql://</c> (or <c>postgres://</c>) URL as libpq and SQLAlchemy
/// write it, or an Npgsql connection string. Gives the Npgsql connection string to connect with, and the store's
/// location for people, which never holds the password.
/// </summary>
/// <remarks>
/// A URL is <c>postgresql://[user[:password]@]host[:port][,host2[:port2]…][/database][?name=value&amp;…]</c> with
/// percent-encoded parts. Its query takes libpq's names: <c>sslmode</c>, <c>sslrootcert</c>, <c>sslcert</c>,
/// <c>sslkey</c>, <c>sslpassword</c>, <c>user</c>, <c>password</c>, <c>host</c>, <c>port</c>, <c>dbname</c>,
/// <c>application_name</c>, <c>connect_timeout</c>, <c>passfile</c>. A password left out comes from <c>PGPASSWORD</c>
/// or the password file (<c>~/.pgpass</c>), as Npgsql reads them.
/// </remarks>
internal sealed class PostgreSqlConnectionText
{
    private const string Masked = "***";

    private static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable",
        ["allow"] = "Allow",
        ["prefer"] = "Prefer",
        ["require"] = "Require",
        ["verify-ca"] = "VerifyCA",
        ["verify-full"] = "VerifyFull",
    };

    private PostgreSqlConnectionText(NpgsqlConnectionStringBuilder builder, string location)
    {
        Builder = builder;
        Location = location;
    }

    /// <summary>The Npgsql settings, the password included.</summary>
    public NpgsqlConnectionStringBuilder Builder { get; }

    /// <summary>Where the store is, as a URL without the password (it opens the store again when the password comes from elsewhere).</summary>
    public string Location { get; }

    /// <summary>The password given in the text, if any, to be masked wherever a message might repeat it.</summary>
    public string? Password => Builder.Password;

    /// <summary>Reads a URL or an Npgsql connection string.</summary>
    /// <exception cref="ArgumentException">The text is neither; the message shows it with its password masked.</exception>
    public static PostgreSqlConnectionText Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        return StudyStorage.IsPostgreSqlUrl(trimmed) ? FromUrl(trimmed) : FromConnectionString(trimmed);
    }

    /// <summary><paramref name="message"/> with every occurrence of <paramref name="password"/> replaced by <c>***</c>.</summary>
    public static string Mask(string message, string? password) =>
        string.IsNullOrEmpty(password) ? message : message.Replace(password, Masked, StringComparison.Ordinal);

    private static PostgreSqlConnectionText FromConnectionString(string text)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException e)
        {
            // The builder's messages name the keyword, never the value; the text itself may hold a password.
            throw new ArgumentException(
                $"Not a postgresql:// URL or an Npgsql connection string ({e.Message}). Write postgresql://user@host:5432/database.", nameof(text), e);
        }
        if (string.IsNullOrEmpty(builder.Host))
            throw new ArgumentException("The PostgreSQL connection string names no Host. Write postgresql://user@host:5432/database.", nameof(text));
        var query = new List<string>();
        if (builder.SslMode != SslMode.Prefer)
            query.Add("sslmode=" + SslModes.First(m => m.Value == builder.SslMode.ToString()).Key);
        return new PostgreSqlConnectionText(builder, LocationOf(builder.Username, builder.Host, builder.Port, builder.Database, query));
    }

    private static PostgreSqlConnectionText FromUrl(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var rest = url[(schemeEnd + 3)..];
        // The user part ends at the last '@': a host or database never holds a bare one, while a password may hold a
        // bare '/', '?' or '#' that would otherwise end the authority early and leave the password in the host.
        var at = rest.LastIndexOf('@');
        var userInfo = at >= 0 ? rest[..at] : null;
        rest = rest[(at + 1)..];
        var hostEnd = rest.IndexOfAny(['/', '?']);
        // Errors quote only the scheme and the host: whatever else the URL holds may be a password.
        var shown = url[..(schemeEnd + 3)] + (hostEnd >= 0 ? rest[..hostEnd] : rest);
        var queryStart = rest.IndexOf('?');
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : "";
        if (queryStart >= 0) rest = rest[..queryStart];
        var slash = rest.IndexOf('/');
        var database = slash >= 0 ? Decode(rest[(slash + 1)..]) : null;
        var authority = slash >= 0 ? rest[..slash] : rest;
        string? user = null, password = null;
        if (userInfo is not null)
        {
            var colon = userInfo.IndexOf(':');
            user = Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            password = colon >= 0 ? Decode(userInfo[(colon + 1)..]) : null;
        }

        var builder = new NpgsqlConnectionStringBuilder();
        var (host, port) = HostAndPort(authority, shown);
        var kept = new List<string>();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = Decode(equals >= 0 ? pair[..equals] : pair);
            var value = equals >= 0 ? Decode(pair[(equals + 1)..]) : "";
            switch (name)
            {
                case "user": user = value; break;
                case "password": password = value; break;
                case "host": host = value; break;
                case "port": port = Port(value, shown); break;
                case "dbname": database = value; break;
                case "sslmode":
                    builder.SslMode = Enum.Parse<SslMode>(SslModes.GetValueOrDefault(value) ?? throw new ArgumentException(
                        $"'{shown}' has sslmode={value}, but sslmode takes {string.Join(", ", SslModes.Keys)}.", nameof(url)));
                    kept.Add(pair);
                    break;
                case "sslrootcert": builder.RootCertificate = value; kept.Add(pair); break;
                case "sslcert": builder.SslCertificate = value; kept.Add(pair); break;
                case "sslkey": builder.SslKey = value; kept.Add(pair); break;
                case "sslpassword": builder.SslPassword = value; break;
                case "passfile": builder.Passfile = value; kept.Add(pair); break;
                case "application_name": builder.ApplicationName = value; kept.Add(pair); break;
                case "connect_timeout": builder.Timeout = Seconds(name, value, shown); kept.Add(pair); break;
                default:
                    throw new ArgumentException(
                        $"'{shown}' has the parameter '{name}', which a Dsl study store does not take; it takes sslmode, sslrootcert, sslcert, sslkey, "
                        + "sslpassword, user, password, host, port, dbname, application_name, connect_timeout and passfile.", nameof(url));
            }
        }
        if (string.IsNullOrEmpty(host))
            throw new ArgumentException($"'{shown}' names no server. Write postgresql://user@host:5432/database.", nameof(url));
        builder.Host = host;
        if (port is { } p) builder.Port = p;
        if (!string.IsNullOrEmpty(user)) builder.Username = user;
        if (!string.IsNullOrEmpty(password)) builder.Password = password;
        if (!string.IsNullOrEmpty(database)) builder.Database = database;
        return new PostgreSqlConnectionText(builder, LocationOf(user, host, port, database, kept));
    }

    private static (string? Host, int? Port) HostAndPort(string authority, string shown)
    {
        if (authority.Length == 0) return (null, null);
        // Several hosts (host1:5432,host2:5433) pass to Npgsql as they are; it takes host:port pairs in Host.
        if (authority.Contains(',', StringComparison.Ordinal)) return (Decode(authority), null);
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            if (close < 0) throw new ArgumentException($"'{shown}' has an IPv6 address without its closing ']'.", "url");
            var after = authority[(close + 1)..];
            return (authority[1..close], after.StartsWith(':') ? Port(after[1..], shown) : null);
        }
        var colon = authority.LastIndexOf(':');
        return colon >= 0 ? (Decode(authority[..colon]), Port(authority[(colon + 1)..], shown)) : (Decode(authority), null);
    }

    private static int? Port(string text, string shown) =>
        text.Length == 0 ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port
        : throw new ArgumentException($"'{shown}' has the port '{text}', but a port is a number from 1 to 65535.", "url");

    private static int Seconds(string name, string text, string shown) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new ArgumentException($"'{shown}' has {name}={text}, but {name} is a whole number of seconds.", "url");

    private static string LocationOf(string? user, string host, int? port, string? database, IReadOnlyList<string> query)
    {
        var hostText = host.Contains(':', StringComparison.Ordinal) && !host.Contains(',', StringComparison.Ordinal) ? $"[{host}]" : host;
        var location = new StringBuilder("postgresql://");
        if (!string.IsNullOrEmpty(user)) location.Append(Uri.EscapeDataString(user)).Append('@');
        location.Append(hostText);
        if (port is { } p) location.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(database)) location.Append('/').Append(Uri.EscapeDataString(database));
        if (query.Count > 0) location.Append('?').Append(string.Join('&', query));
        return location.ToString();
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text);
}
