using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Dsl.Dashboard;

/// <summary>A started dashboard: where it listens and with which token; disposing it stops it.</summary>
public sealed class RunningDashboard : IAsyncDisposable
{
    private readonly WebApplication app;

    internal RunningDashboard(WebApplication app, Uri url, string? token)
    {
        this.app = app;
        Url = url;
        Token = token;
    }

    /// <summary>The address it listens on, with the port it bound (never 0).</summary>
    public Uri Url { get; }

    /// <summary>The access token a browser needs, or null when it needs none (loopback without a token).</summary>
    public string? Token { get; }

    /// <summary>The address to open in a browser: <see cref="Url"/> with the token, as Jupyter prints it.</summary>
    public Uri LoginUrl => Token is null ? Url : new Uri(Url, "/?token=" + Uri.EscapeDataString(Token));

    /// <summary>Completes when the server stops.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
