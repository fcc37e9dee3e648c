using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>Independent uniform draws: log-uniform for logarithmic parameters, every grid value equally likely when stepped.</summary>
public sealed class RandomSampler : ISampler
{
    private readonly Lock gate = new();
    private long calls;

    /// <summary>Creates a random sampler; without a seed, one is drawn (see <see cref="Seed"/>).</summary>
    public RandomSampler(int? seed = null) => Seed = seed ?? SamplingSupport.FreshSeed();

    /// <summary>The seed in use, so that an unseeded run can be repeated.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object> Sample(
        SearchSpace space,
        IReadOnlyList<TrialRecord> history,
        StudyDirection direction,
        IReadOnlyDictionary<string, object>? fixedValues = null)
    {
        var (representations, pinned) = SamplingSupport.Begin(space, history, fixedValues);
        SamplerRandom random;
        lock (gate)
        {
            // The stream depends on the history length as well as the call count, so a resumed study does not replay
            // the proposals of its first trials.
            random = new SamplerRandom(Seed, history.Count, calls++);
        }
        return SamplingSupport.WalkUniform(space, representations, pinned, random);
    }
}
