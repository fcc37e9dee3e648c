using Dsl.Training;

namespace Dsl.Checkpoints;

/// <summary>Optional facts stored next to a checkpoint's weights: the epoch, metrics and input normalisation.</summary>
public sealed record CheckpointInfo
{
    /// <summary>The epoch the weights come from.</summary>
    public int? Epoch { get; init; }

    /// <summary>Named metrics, for example "validation_accuracy".</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The normalisation the model's inputs need, so inference can apply the training statistics.</summary>
    public Normalization? Normalization { get; init; }
}
