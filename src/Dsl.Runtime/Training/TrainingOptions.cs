namespace Dsl.Training;

/// <summary>How a <see cref="Trainer"/> fits a model.</summary>
public sealed record TrainingOptions
{
    /// <summary>Full passes over the training data.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Samples per optimisation step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Step size of the optimizer.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Seeds weight initialisation and shuffling, so equal seeds give equal runs.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, but is {Epochs}.", nameof(Epochs));
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, but is {BatchSize}.", nameof(BatchSize));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"LearningRate must be a positive number, but is {LearningRate}.", nameof(LearningRate));
    }
}
