using Dsl.Training;

namespace Dsl.Checkpoints;

/// <summary>What a checkpoint's JSON sidecar says about its weights: the model type, its hyperparameters and how it was trained.</summary>
public sealed record CheckpointMetadata
{
    /// <summary>Full name of the model type, for example "FashionMnistSample.FashionCnn".</summary>
    public required string ModelType { get; init; }

    /// <summary>The hyperparameters as stored: integers as long, reals as double, booleans, strings, and enum values by name.</summary>
    public required IReadOnlyDictionary<string, object> Hyperparameters { get; init; }

    /// <summary>The epoch the weights come from, when known.</summary>
    public int? Epoch { get; init; }

    /// <summary>Named metrics stored with the weights.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The normalisation the model's inputs need, when one was stored.</summary>
    public Normalization? Normalization { get; init; }

    /// <summary>When the checkpoint was written.</summary>
    public DateTimeOffset SavedAt { get; init; }

    /// <summary>Number of trainable scalars in the model.</summary>
    public long ParameterCount { get; init; }

    /// <summary>The zero fraction of the weights of two or more dimensions, overall and per tensor; null when none is zero (not pruned).</summary>
    public Compression.SparsityReport? Sparsity { get; init; }

    /// <summary>Whether the trainer wrote it with enough state (optimizer, schedule position, history) to resume training.</summary>
    public bool IsResumable { get; init; }

    /// <summary>The sidecar format version.</summary>
    public int Version { get; init; }
}
