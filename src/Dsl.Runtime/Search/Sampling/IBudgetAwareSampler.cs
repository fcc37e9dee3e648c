namespace Dsl.Search.Sampling;

/// <summary>A sampler whose settings follow how many trials the study will hold, such as TPE's startup count.</summary>
/// <remarks>A sweep calls <see cref="ForTrialBudget"/> once, before its first trial, with <see cref="Dsl.Sweeps.SweepOptions.Trials"/>.</remarks>
public interface IBudgetAwareSampler : ISampler
{
    /// <summary>The sampler to use for a study that will hold <paramref name="trials"/> trials: this one, or a copy set for that budget.</summary>
    ISampler ForTrialBudget(int trials);
}
