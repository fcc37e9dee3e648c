namespace Dsl.Dashboard;

/// <summary>Where the dashboard listens, who may open it, and where the studies' artifacts are.</summary>
public sealed record DashboardOptions
{
    /// <summary>The address to bind; loopback by default, so nobody else on the network can reach it.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port to bind; 0 picks a free one (see <see cref="RunningDashboard.Url"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>
    /// The access token a browser must present once (<c>?token=…</c>, then a cookie). Null on loopback means none; any
    /// other <see cref="Host"/> always needs one, so a random one is generated when this is null.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>
    /// The folder that holds each study's output folder (<c>&lt;root&gt;/&lt;study&gt;/trials/&lt;n&gt;/model.pt</c>, as a
    /// sweep's default <c>runs/&lt;study&gt;</c>); downloads never leave a study's folder. Null: for each study, the folder
    /// its trials' recorded checkpoints sit in (<c>&lt;folder&gt;/&lt;study&gt;/trials/…</c>), else <c>runs</c> beside the
    /// SQLite file, else in the current directory.
    /// </summary>
    public string? ArtifactsRoot { get; init; }

    /// <summary>How often the pages ask whether a study changed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the start-up line (the address, with its token) is written; null writes nothing.</summary>
    public TextWriter? Log { get; init; }
}
