namespace Dsl.Training;

/// <summary>Stops training when a monitored metric has not improved for <see cref="Patience"/> epochs.</summary>
public sealed record EarlyStopping
{
    /// <summary>The value watched; validation metrics need a validation set.</summary>
    public MonitoredMetric Monitor { get; init; } = MonitoredMetric.ValidationLoss;

    /// <summary>Epochs without improvement tolerated before stopping.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; init; }

    /// <summary>When training ends, put back the weights of the best epoch rather than keep the last.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Patience < 1) throw new ArgumentException($"EarlyStopping.Patience must be at least 1, but is {Patience}.", nameof(Patience));
        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
            throw new ArgumentException($"EarlyStopping.MinDelta must be a finite number ≥ 0, but is {MinDelta}.", nameof(MinDelta));
        if (!Enum.IsDefined(Monitor)) throw new ArgumentException($"EarlyStopping.Monitor {Monitor} is not a known metric.", nameof(Monitor));
    }
}
