using System.Collections.ObjectModel;

namespace Dsl.Datasets;

/// <summary>The Fashion-MNIST training and test sets together with where they came from.</summary>
/// <param name="Train">The training set.</param>
/// <param name="Test">The test set.</param>
/// <param name="Source">Human-readable description of where the data was loaded from.</param>
/// <param name="SourceKind">Which lookup step supplied the data.</param>
public sealed record FashionMnistData(LabeledImages Train, LabeledImages Test, string Source, DatasetSourceKind SourceKind)
{
    /// <summary>Class names indexed by label: 0 is "T-shirt/top", 9 is "Ankle boot".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new ReadOnlyCollection<string>(
    [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]);
}
