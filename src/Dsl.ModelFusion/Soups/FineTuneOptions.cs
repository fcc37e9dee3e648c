using Dsl.ModelFusion.Progress;

namespace Dsl.ModelFusion.Soups;

/// <summary>How <see cref="FineTuningRecipe"/> makes a soup's ingredients: how many variants, how long each trains, and the range of their sampled settings.</summary>
public sealed record FineTuneOptions
{
    /// <summary>How many variants are fine-tuned from the starting checkpoint.</summary>
    public int Variants { get; init; } = 4;

    /// <summary>Epochs each variant trains.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>
    /// The smallest factor on the trial's learning rate; each variant's factor is log-uniform in
    /// [<see cref="MinLearningRateScale"/>, <see cref="MaxLearningRateScale"/>]: fine-tuning starts from trained weights, so its steps are smaller.
    /// </summary>
    public double MinLearningRateScale { get; init; } = 0.1;

    /// <summary>The largest factor on the trial's learning rate.</summary>
    public double MaxLearningRateScale { get; init; } = 1;

    /// <summary>Seeds the sampled settings: equal seeds give equal variants, so a rerun finds its finished variants again.</summary>
    public int Seed { get; init; }

    /// <summary>Shows each variant's epochs.</summary>
    public FusionProgress Progress { get; init; } = FusionProgress.None;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Variants < 1) throw new ArgumentException($"FineTuneOptions.Variants must be at least 1, but is {Variants}.", nameof(Variants));
        if (Epochs < 1) throw new ArgumentException($"FineTuneOptions.Epochs must be at least 1, but is {Epochs}.", nameof(Epochs));
        if (!(MinLearningRateScale > 0) || !(MaxLearningRateScale >= MinLearningRateScale) || double.IsInfinity(MaxLearningRateScale))
            throw new ArgumentException(
                $"FineTuneOptions needs 0 < MinLearningRateScale ≤ MaxLearningRateScale, but they are {MinLearningRateScale} and {MaxLearningRateScale}.",
                nameof(MinLearningRateScale));
        ArgumentNullException.ThrowIfNull(Progress, nameof(Progress));
    }
}
