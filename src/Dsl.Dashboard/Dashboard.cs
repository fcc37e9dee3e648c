using System.Globalization;
using Dsl.Dashboard.Assets;
using Dsl.Dashboard.Data;
using Dsl.Dashboard.Security;
using Dsl.Studies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dsl.Dashboard;

/// <summary>
/// A live, read-only dashboard for the studies of any <see cref="IStudyStorage"/>: studies, trial tables and charts in
/// the browser, refreshed while sweeps write to the same store.
/// </summary>
/// <remarks>
/// It binds 127.0.0.1 unless told otherwise; any other address needs an access token, generated and printed at start
/// when none is given. Every page is server-rendered HTML with SVG charts, and its only script and style sheet are served
/// from this assembly, so it works without internet access.
/// </remarks>
public static class Dashboard
{
    /// <summary>Serves the dashboard until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task RunAsync(IStudyStorage storage, DashboardOptions options, CancellationToken cancellationToken)
    {
        await using var running = await StartAsync(storage, options, cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: stop serving, as asked.
        }
    }

    /// <summary>Starts serving and returns once it listens; dispose the result to stop.</summary>
    /// <exception cref="ArgumentException">The options are invalid (a port out of range, an empty host or token).</exception>
    public static async Task<RunningDashboard> StartAsync(IStudyStorage storage, DashboardOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
            throw new ArgumentException($"The dashboard's port must be between 0 and 65535, but is {options.Port}.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.Host))
            throw new ArgumentException("The dashboard's host must be an address such as 127.0.0.1 or 0.0.0.0, but is empty.", nameof(options));
        if (options.Token is { } given && (given.Length < 8 || given.Any(char.IsWhiteSpace)))
            throw new ArgumentException("The dashboard's token must be at least 8 characters without spaces.", nameof(options));
        var token = options.Token ?? (AccessToken.IsLoopback(options.Host) ? null : AccessToken.Generate());

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;
        });
        builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://{HostForUrl(options.Host)}:{options.Port}"));
        builder.Services.AddRoutingCore();
        var app = builder.Build();

        var context = new DashboardContext(new StudyReader(storage), new ArtifactFiles(ArtifactsRoot(storage, options), fromCheckpoints: options.ArtifactsRoot is null), options);
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            // Read-only: nothing here changes a study, whatever the request.
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                headers.Allow = "GET, HEAD";
                return;
            }
            await next(http);
        });
        if (token is not null) app.Use(new AccessToken(token).InvokeAsync);
        DashboardEndpoints.Map(app, context);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // A port in use or an address not of this machine: nothing serves, so nothing may linger.
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var running = new RunningDashboard(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal)), token);
        if (options.Log is { } log)
        {
            await log.WriteLineAsync($"Dsl dashboard for {storage.Location} (read-only), serving on {address}");
            await log.WriteLineAsync($"Open: {running.LoginUrl}");
            if (token is not null && options.Token is null)
                await log.WriteLineAsync("A token was generated because the dashboard listens beyond this machine; keep the address private.");
            await log.WriteLineAsync("Press Ctrl-C to stop.");
            await log.FlushAsync(cancellationToken);
        }
        return running;
    }

    private static string HostForUrl(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? "[" + host + "]" : host;

    /// <summary>
    /// Where the studies' output folders are: the option, else <c>runs</c> beside a SQLite file, else in the current
    /// directory; without the option each study's own checkpoints may say otherwise (see <see cref="ArtifactFiles"/>).
    /// </summary>
    private static string ArtifactsRoot(IStudyStorage storage, DashboardOptions options)
    {
        if (options.ArtifactsRoot is { } root) return Path.GetFullPath(root);
        var folder = File.Exists(storage.Location) ? Path.GetDirectoryName(Path.GetFullPath(storage.Location)) : null;
        return Path.Combine(folder ?? Directory.GetCurrentDirectory(), "runs");
    }
}
