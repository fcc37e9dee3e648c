namespace Dsl.Sweeps;

/// <summary>Thrown by an objective to stop a trial that <see cref="ObjectiveTrial.ShouldPrune"/> condemned; the trial is recorded as pruned.</summary>
public sealed class TrialPrunedException : Exception
{
    /// <summary>A pruned trial.</summary>
    public TrialPrunedException()
        : base("The trial was pruned.")
    {
    }

    /// <summary>A pruned trial, with why.</summary>
    public TrialPrunedException(string message)
        : base(message)
    {
    }

    /// <summary>A pruned trial, with why and the exception that led to it.</summary>
    public TrialPrunedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
