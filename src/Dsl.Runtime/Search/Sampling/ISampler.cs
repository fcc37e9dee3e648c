using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>Proposes the hyperparameters of the next trial from the search space and the study's history.</summary>
/// <remarks>
/// Implementations are deterministic for a seed when called sequentially with the same histories, and safe to call from
/// several threads (they take their own lock; a parallel runner may also serialise calls). The assignment holds only the
/// active parameters: one whose <see cref="ParameterSpec.Condition"/> does not hold is absent, not defaulted.
/// Values are boxed <c>long</c> (integer parameters), <c>double</c> (float parameters) or the choice object.
/// </remarks>
public interface ISampler
{
    /// <summary>
    /// Proposes an assignment. <paramref name="history"/> holds the study's trials in any state (running and waiting ones
    /// included); <paramref name="fixedValues"/> pins some parameters (an enqueued, partially specified trial), and the
    /// sampler chooses the rest given them.
    /// </summary>
    IReadOnlyDictionary<string, object> Sample(
        SearchSpace space,
        IReadOnlyList<TrialRecord> history,
        StudyDirection direction,
        IReadOnlyDictionary<string, object>? fixedValues = null);

    /// <summary>
    /// How the next proposal after <paramref name="history"/> is chosen, in one lower-case word for a trial's
    /// <c>sampled_by</c> attribute: by default the class name without "Sampler" ("random", "halton"); TPE says
    /// "tpe-startup" for its random startup draws.
    /// </summary>
    string Describe(IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        var name = GetType().Name;
        return (name.EndsWith("Sampler", StringComparison.Ordinal) && name.Length > "Sampler".Length ? name[..^"Sampler".Length] : name).ToLowerInvariant();
    }
}
