using System.Diagnostics;
using Dsl.Sweeps;

namespace Dsl.Reporting;

/// <summary>Writes the plotted report into the sweep's output folder when the sweep ends.</summary>
/// <remarks>
/// Add it to <see cref="SweepOptions.Observers"/> (the generated command line does). A sweep stopped by Ctrl-C or by an
/// error gets no report: the user wants the prompt back, and rerunning the command resumes the study and writes it then.
/// </remarks>
public sealed class SweepReportObserver : ISweepObserver
{
    /// <summary>The files of the last report this observer wrote, or null before the first one (or when it could not).</summary>
    public SweepReportFiles? Files { get; private set; }

    /// <inheritdoc />
    public void SweepEnded(SweepEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        if (end.Reason is SweepStopReason.Cancelled or SweepStopReason.Failed) return;
        try
        {
            Files = SweepReport.Write(end.OutputDirectory, end.Study, end.Trials, end.Space, end.Direction, end.Metric, end.Fusions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The study and the best checkpoint are what matter; the report can be written again from the study file.
            Trace.TraceWarning($"Could not write the sweep report to '{end.OutputDirectory}': {e.Message}");
        }
    }
}
