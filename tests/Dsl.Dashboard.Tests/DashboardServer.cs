using System.Net;
using Dsl.Studies;

namespace Dsl.Dashboard.Tests;

/// <summary>A dashboard started on a free loopback port over a test store, with an HTTP client that keeps no cookies unless asked.</summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private DashboardServer(RunningDashboard running, IStudyStorage storage, string folder)
    {
        Running = running;
        Storage = storage;
        Folder = folder;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = running.Url };
    }

    public RunningDashboard Running { get; }
    public IStudyStorage Storage { get; }
    public string Folder { get; }
    public HttpClient Client { get; }

    public static async Task<DashboardServer> StartAsync(IStudyStorage storage, string folder, DashboardOptions? options = null)
    {
        var running = await Dashboard.StartAsync(storage, (options ?? new DashboardOptions()) with
        {
            Port = 0,
            ArtifactsRoot = Path.Combine(folder, "runs"),
            PollInterval = TimeSpan.FromMilliseconds(300),
        });
        return new DashboardServer(running, storage, folder);
    }

    /// <summary>A SQLite store in a new folder, filled by <see cref="TestStudies.WriteAsync"/>, served read-only.</summary>
    public static async Task<DashboardServer> WithSqliteStudiesAsync(string name, DashboardOptions? options = null)
    {
        var folder = TestStudies.NewFolder(name);
        var file = Path.Combine(folder, "studies.db");
        await using (var writer = StudyStorage.Sqlite(file))
            await TestStudies.WriteAsync(writer, Path.Combine(folder, "runs"));
        return await StartAsync(StudyStorage.Open(file, readOnly: true), folder, options);
    }

    public string DatabaseFile => Path.Combine(Folder, "studies.db");

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Running.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
