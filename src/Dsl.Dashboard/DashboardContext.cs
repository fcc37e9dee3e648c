using Dsl.Dashboard.Data;
using Dsl.Dashboard.Security;

namespace Dsl.Dashboard;

/// <summary>What every endpoint needs: the store's reader, the artifact confinement and the options.</summary>
internal sealed record DashboardContext(StudyReader Reader, ArtifactFiles Artifacts, DashboardOptions Options)
{
    public int PollMilliseconds => (int)Math.Clamp(Options.PollInterval.TotalMilliseconds, 200, 60_000);
}
