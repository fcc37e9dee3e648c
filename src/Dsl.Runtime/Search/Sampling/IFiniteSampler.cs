using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>A sampler with a finite set of assignments (a grid), which a runner stops at when it is used up.</summary>
public interface IFiniteSampler : ISampler
{
    /// <summary>How many distinct assignments the sampler can propose for <paramref name="space"/>.</summary>
    int Count(SearchSpace space);

    /// <summary>How many of them neither appear in <paramref name="history"/> nor were handed out by this instance.</summary>
    int Remaining(SearchSpace space, IReadOnlyList<TrialRecord> history);
}
