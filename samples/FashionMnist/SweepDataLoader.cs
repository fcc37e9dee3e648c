using Dsl.Datasets;
using Dsl.Sweeps;
using Dsl.Training;

namespace FashionMnistSample;

/// <summary>Fashion-MNIST for a sweep: a stratified 90/10 train/validation split, and the test set kept for the final check.</summary>
internal static class SweepDataLoader
{
    /// <summary>Loads from <paramref name="directory"/> (<c>--data</c>), or when null from the default lookup, which reads DSL_FASHION_MNIST_DIR.</summary>
    public static SweepData Load(string? directory, TextWriter output)
    {
        var dataset = FashionMnist.Load(directory);
        output.WriteLine($"data: {dataset.Source}");
        var (trainImages, trainLabels) = dataset.Train.ToTensors();
        var (testImages, testLabels) = dataset.Test.ToTensors();
        using var all = new TensorDataset(trainImages, trainLabels);
        return SweepData.Split(all, validationFraction: 0.1, seed: 0, test: new TensorDataset(testImages, testLabels));
    }
}
