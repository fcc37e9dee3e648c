using Dsl.Training;

namespace Dsl.Sweeps;

/// <summary>The data a sweep trains on, judges trials on, and (optionally) tests its best model on.</summary>
/// <remarks>
/// Every trial fits on <see cref="Train"/> and is judged on <see cref="Validation"/>; the <see cref="Test"/> set is used
/// once, to measure the best checkpoint at the end. Disposing the data disposes its datasets; the runner never does,
/// so one instance can serve several sweeps.
/// </remarks>
public sealed class SweepData : IDisposable
{
    /// <summary>Wraps existing datasets; the instance owns them.</summary>
    public SweepData(TensorDataset train, TensorDataset validation, TensorDataset? test = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>What every trial trains on.</summary>
    public TensorDataset Train { get; }

    /// <summary>What every trial's metric is measured on, after each epoch.</summary>
    public TensorDataset Validation { get; }

    /// <summary>Held-out data for the best model only, or null.</summary>
    public TensorDataset? Test { get; }

    /// <summary>The input normalisation the datasets were prepared with, stored in the best checkpoint for inference.</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>Splits <paramref name="train"/> into training and validation parts with a seeded, stratified shuffle.</summary>
    /// <remarks>
    /// Each class keeps its share in both parts. The parts are copies: <paramref name="train"/> stays the caller's,
    /// while <paramref name="test"/> becomes this instance's.
    /// </remarks>
    /// <param name="train">The labelled data to split; class-index labels for stratification.</param>
    /// <param name="validationFraction">The share that goes to validation, in (0, 1).</param>
    /// <param name="seed">Seeds the shuffle, so equal seeds give equal splits.</param>
    /// <param name="test">Optional held-out data for the best model.</param>
    /// <param name="stratify">Split each class separately; turn off for regression targets.</param>
    public static SweepData Split(TensorDataset train, double validationFraction = 0.1, int seed = 0, TensorDataset? test = null, bool stratify = true)
    {
        ArgumentNullException.ThrowIfNull(train);
        var (trainPart, validationPart) = train.Split(validationFraction, seed, stratify);
        return new SweepData(trainPart, validationPart, test);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Train.Dispose();
        Validation.Dispose();
        Test?.Dispose();
    }
}
