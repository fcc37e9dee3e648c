using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Soups;

/// <summary>How a soup is built: where its model comes from, how it is scored, and the data its BatchNorm statistics are measured on.</summary>
public sealed record SoupOptions
{
    /// <summary>
    /// Makes the empty model the averaged weights go into; by default the members' generated type is created again with
    /// the first member's hyperparameters. Needed for hand-written modules.
    /// </summary>
    public Func<nn.Module>? CreateModel { get; init; }

    /// <summary>
    /// Training data for recomputing BatchNorm running statistics after averaging (see <see cref="BatchNormStatistics"/>);
    /// a greedy soup also recomputes them before scoring each candidate. Without it, running statistics are averaged too.
    /// </summary>
    public TensorDataset? BatchNormData { get; init; }

    /// <summary>Batch size of the BatchNorm pass; the members were trained with batch statistics of this size.</summary>
    public int BatchNormBatchSize { get; init; } = 128;

    /// <summary>Scores members and candidate soups on the validation data in <see cref="Soup.Greedy{TModel}(IReadOnlyList{TModel}, TensorDataset, out SoupReport, SoupOptions?)"/>; by default a trainer with default options on the first member's device.</summary>
    public Trainer? Evaluator { get; init; }
}
