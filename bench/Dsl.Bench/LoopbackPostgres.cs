using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dsl.Bench;

/// <summary>A throwaway PostgreSQL cluster on 127.0.0.1 and a random free port, run as the postgres user when we are root.</summary>
/// <remarks>PostgreSQL refuses to run as root; CI runs as root, so initdb and pg_ctl go through <c>runuser -u postgres</c>.</remarks>
internal sealed class LoopbackPostgres : IDisposable
{
    private const string User = "dsl";
    private readonly string folder;
    private readonly string bin;
    private readonly bool asPostgres;
    private bool running;

    private LoopbackPostgres(string folder, string bin, bool asPostgres, int port)
    {
        this.folder = folder;
        this.bin = bin;
        this.asPostgres = asPostgres;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection URL for database <paramref name="database"/>, which <see cref="CreateDatabase"/> makes.</summary>
    public string Url(string database) => $"postgresql://{User}@127.0.0.1:{Port}/{database}";

    /// <summary>Initialises and starts a cluster; throws with the server's log when it does not come up.</summary>
    public static LoopbackPostgres Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null) throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl); install Debian's postgresql.");
        var folder = Directory.CreateTempSubdirectory("dsl-bench-pg-").FullName;
        var asPostgres = Environment.UserName == "root";
        if (asPostgres) Exec("chown", ["postgres", folder]);
        var server = new LoopbackPostgres(folder, bin, asPostgres, FreePort());
        server.Tool("initdb", ["-D", Path.Combine(folder, "data"), "-A", "trust", "-U", User]);
        server.Tool("pg_ctl", ["-D", Path.Combine(folder, "data"), "-o", $"-k {folder} -p {server.Port} -c listen_addresses=127.0.0.1 -c max_connections=300",
            "-l", Path.Combine(folder, "log"), "-w", "start"]);
        server.running = true;
        return server;
    }

    public void CreateDatabase(string name) => Tool("createdb", ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", User, name]);

    public void Dispose()
    {
        if (running)
        {
            running = false;
            Tool("pg_ctl", ["-D", Path.Combine(folder, "data"), "-m", "fast", "-w", "stop"]);
        }
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"workers: could not remove {folder}: {e.Message}");
        }
    }

    private void Tool(string name, string[] arguments)
    {
        var path = Path.Combine(bin, name);
        if (asPostgres) Exec("runuser", ["-u", "postgres", "--", path, .. arguments]);
        else Exec(path, arguments);
    }

    private static void Exec(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Trim()} {output.Result.Trim()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
