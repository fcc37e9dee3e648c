using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps;

/// <summary>What every sweep, of a model or of user code, ends with: its study's trials, why it stopped, and where it wrote.</summary>
public abstract class SweepOutcome
{
    private protected SweepOutcome(string study, StudyDirection direction, IReadOnlyList<TrialRecord> trials, SweepStopReason stopReason, TimeSpan elapsed, string outputDirectory)
    {
        Study = study;
        Direction = direction;
        Trials = trials;
        StopReason = stopReason;
        Elapsed = elapsed;
        OutputDirectory = outputDirectory;
    }

    /// <summary>The study's name.</summary>
    public string Study { get; }

    /// <summary>Whether smaller or larger values are better.</summary>
    public StudyDirection Direction { get; }

    /// <summary>Every trial of the study, earlier runs' and other workers' included, in number order.</summary>
    public IReadOnlyList<TrialRecord> Trials { get; }

    /// <summary>Why the sweep stopped.</summary>
    public SweepStopReason StopReason { get; }

    /// <summary>How long this run took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Where <c>best.json</c> (and a model sweep's <c>best.pt</c>) were written, and where observers such as the report write.</summary>
    public string OutputDirectory { get; }

    /// <summary>The <paramref name="top"/> best complete trials, best first (ties by number).</summary>
    public IReadOnlyList<TrialRecord> Leaderboard(int top = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        return SweepText.Ranked(Trials, Direction).Take(top).ToList();
    }
}
