namespace Dsl.Training;

/// <summary>What one finished epoch measured; passed to progress observers and kept in the training history.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's samples.</param>
/// <param name="Validation">Metrics on the validation set, when one was given.</param>
/// <param name="SamplesPerSecond">Training throughput of the epoch.</param>
public sealed record EpochReport(int Epoch, double TrainLoss, Evaluation? Validation, double SamplesPerSecond);

/// <summary>Metrics of a model over a whole dataset.</summary>
/// <param name="Loss">Mean loss per sample.</param>
/// <param name="Accuracy">Fraction of samples whose arg-max prediction equals the label.</param>
/// <param name="Count">Number of samples evaluated.</param>
public sealed record Evaluation(double Loss, double Accuracy, long Count);

/// <summary>The outcome of <see cref="Trainer.Fit"/>: every epoch's report.</summary>
public sealed record TrainingResult(IReadOnlyList<EpochReport> Epochs)
{
    /// <summary>The last epoch's report.</summary>
    public EpochReport Last => Epochs[^1];
}
