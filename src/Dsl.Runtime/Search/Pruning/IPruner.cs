using Dsl.Search.Trials;

namespace Dsl.Search.Pruning;

/// <summary>Decides, after a trial reports an intermediate value, whether to stop it early.</summary>
/// <remarks>
/// Pruners keep no state of their own: every decision is a function of the trial and the study's history at the time of
/// the report, so they are thread-safe and give the same answer after a resume.
/// </remarks>
public interface IPruner
{
    /// <summary>
    /// Whether to stop <paramref name="trial"/> now. Its <see cref="TrialRecord.IntermediateValues"/> hold every value
    /// reported so far (step → value, steps being epochs); the latest step is the report being judged.
    /// <paramref name="history"/> is the study's trials in any state, and may include <paramref name="trial"/> itself.
    /// </summary>
    bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction);
}
