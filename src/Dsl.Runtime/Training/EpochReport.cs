namespace Dsl.Training;

/// <summary>What one finished epoch measured; passed to callbacks and progress observers and kept in the training history.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's samples.</param>
/// <param name="Validation">Metrics on the validation set, when one was given.</param>
/// <param name="SamplesPerSecond">Training throughput of the epoch (optimisation steps only, not validation).</param>
public sealed record EpochReport(int Epoch, double TrainLoss, Evaluation? Validation, double SamplesPerSecond)
{
    /// <summary>Learning rate of the epoch's last optimizer step.</summary>
    public double LearningRate { get; init; }

    /// <summary>Optimizer steps taken in the epoch.</summary>
    public int Batches { get; init; }

    /// <summary>Wall-clock time of the epoch's training steps.</summary>
    public TimeSpan TrainingTime { get; init; }

    /// <summary>Wall-clock time of the epoch's validation.</summary>
    public TimeSpan ValidationTime { get; init; }

    /// <summary>Share of the training time spent selecting, copying and moving batches rather than computing.</summary>
    public double DataLoadingShare { get; init; }

    /// <summary>The pruned layers' zero fraction, overall and per weight tensor, after the epoch; null when the run does not prune.</summary>
    public Compression.SparsityReport? Sparsity { get; init; }
}

/// <summary>What one optimizer step measured; passed to <see cref="ITrainingCallback.OnBatchEnd"/>.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Batch">1-based batch number within the epoch.</param>
/// <param name="BatchesPerEpoch">Batches in one epoch.</param>
/// <param name="Loss">Mean loss of this batch.</param>
/// <param name="SamplesPerSecond">Throughput of the epoch so far.</param>
public sealed record BatchReport(int Epoch, int Batch, int BatchesPerEpoch, double Loss, double SamplesPerSecond);

/// <summary>What a training run is about to do; passed to <see cref="ITrainingCallback.OnFitStart"/>.</summary>
/// <param name="Epochs">The last epoch the run may reach.</param>
/// <param name="FirstEpoch">The first epoch this call trains (above 1 when resuming).</param>
/// <param name="BatchesPerEpoch">Optimizer steps in one epoch.</param>
/// <param name="TrainSamples">Training samples.</param>
/// <param name="ValidationSamples">Validation samples, or 0 without a validation set.</param>
/// <param name="Device">Where training runs, for example "cpu".</param>
public sealed record TrainingStart(int Epochs, int FirstEpoch, int BatchesPerEpoch, long TrainSamples, long ValidationSamples, string Device);
