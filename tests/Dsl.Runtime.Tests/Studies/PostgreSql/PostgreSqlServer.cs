using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Dsl.Runtime.Tests.Studies.PostgreSql;

/// <summary>
/// A throwaway PostgreSQL server on loopback in a temporary folder: <c>initdb</c> and <c>pg_ctl</c> from Debian's
/// postgresql package, run as the <c>postgres</c> user when the tests run as root (the server refuses root). Logins
/// need a password, so the tests exercise it. Stopped and deleted when disposed.
/// </summary>
internal sealed class PostgreSqlServer : IAsyncDisposable
{
    public const string User = "dsl";

    private const string PackageRoot = "/usr/lib/postgresql";

    private PostgreSqlServer(string folder, int port, string password)
    {
        Folder = folder;
        Port = port;
        Password = password;
    }

    /// <summary>The folder of the newest installed server's binaries, or null.</summary>
    public static string? Binaries { get; } = FindBinaries();

    /// <summary>Why these tests cannot start a server here, or null when they can.</summary>
    public static string? MissingReason => Binaries is null
        ? $"PostgreSQL's server binaries (initdb, pg_ctl under {PackageRoot}/<version>/bin) are not installed; install Debian's postgresql package."
        : null;

    public string Folder { get; }

    public int Port { get; }

    /// <summary>The password of <see cref="User"/>, which the tests check never shows.</summary>
    public string Password { get; }

    public string DataFolder => Path.Combine(Folder, "data");

    /// <summary>A URL of <paramref name="database"/>, with the password unless <paramref name="withPassword"/> is false.</summary>
    public string Url(string database, bool withPassword = true) =>
        withPassword ? $"postgresql://{User}:{Password}@127.0.0.1:{Port}/{database}" : $"postgresql://{User}@127.0.0.1:{Port}/{database}";

    public string AdminConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={database};Pooling=false";

    public static async Task<PostgreSqlServer> StartAsync()
    {
        var bin = Binaries ?? throw new InvalidOperationException(MissingReason);
        var folder = Directory.CreateTempSubdirectory("dsl-pg-").FullName;
        var password = "Pw-" + Guid.NewGuid().ToString("N")[..12];
        var passwordFile = Path.Combine(folder, "pw");
        await File.WriteAllTextAsync(passwordFile, password);
        if (IsRoot) await RunAsync("chown", "-R", "postgres", folder);
        var server = new PostgreSqlServer(folder, FreePort(), password);
        await AsServerUserAsync(Path.Combine(bin, "initdb"), "-D", server.DataFolder, "-U", User, "-A", "scram-sha-256", "--pwfile", passwordFile,
            "-E", "UTF8", "--locale=C", "--no-sync");
        File.Delete(passwordFile);
        await server.StartServerAsync();
        return server;
    }

    /// <summary>A new empty database; returns its name.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>Stops the server (fast shutdown, which ends every session) and starts it again on the same port.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await AsServerUserAsync(Path.Combine(Binaries!, "pg_ctl"), "-D", DataFolder, "-m", "fast", "-w", "stop");
        await Task.Delay(down);
        await StartServerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsServerUserAsync(Path.Combine(Binaries!, "pg_ctl"), "-D", DataFolder, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private Task StartServerAsync() =>
        AsServerUserAsync(Path.Combine(Binaries!, "pg_ctl"), "-D", DataFolder, "-l", Path.Combine(Folder, "log"), "-w", "-o",
            $"-k {Folder} -p {Port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");

    private static bool IsRoot => Environment.UserName == "root";

    private static Task AsServerUserAsync(string program, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinaries() =>
        !Directory.Exists(PackageRoot)
            ? null
            : Directory.EnumerateDirectories(PackageRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
                .FirstOrDefault();
}

/// <summary>One server for every test of the <see cref="PostgreSqlCollection"/>; each test makes its own database on it.</summary>
public sealed class PostgreSqlFixture : IAsyncLifetime
{
    internal PostgreSqlServer Server => server ?? throw new InvalidOperationException(PostgreSqlServer.MissingReason);

    private PostgreSqlServer? server;

    public async Task InitializeAsync()
    {
        if (PostgreSqlServer.MissingReason is null) server = await PostgreSqlServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlFixture>
{
    public const string Name = "PostgreSQL server";
}

/// <summary>A fact that is skipped, with the reason, where PostgreSQL's server binaries are not installed.</summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (PostgreSqlServer.MissingReason is { } reason) Skip = reason;
    }
}
