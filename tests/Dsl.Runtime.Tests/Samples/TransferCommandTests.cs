using Dsl.Datasets;
using Dsl.Runtime.Tests.Datasets;
using Dsl.Runtime.Tests.Training;
using FashionMnistSample;

namespace Dsl.Runtime.Tests.Samples;

/// <summary>The sample's transfer command on tiny IDX files: pretrain, transfer with a new head and a frozen stem, scratch.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class TransferCommandTests : IDisposable
{
    private readonly IdxTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task Transfer_reports_the_pretrained_the_transferred_and_the_scratch_accuracy()
    {
        var data = files.WriteDataset("tiny", 200, 40);

        var (code, output, error) = await FashionMnistCommandLineTests.RunAsync(
            ["transfer", "--data", data, "--pretrain-epochs", "1", "--epochs", "1", "--fraction", "0.5"]);

        Assert.True(code == 0, error);
        Assert.Contains("pretrained on classes 0-4 (100 images, 1 epochs)", output);
        // The head is dropped from the pretrained weights; the rest (stem and fc1) loads.
        Assert.Contains("transfer to classes 5-9 (50 images, 1 epochs, loaded 16 keys; missing from the source: fc2.weight, fc2.bias)", output);
        Assert.Contains("scratch on classes 5-9 (50 images", output);
        Assert.Contains("transfer gain ", output);
    }

    [Fact]
    public void The_class_subset_takes_the_same_share_of_each_class_in_range()
    {
        var labels = IdxTestFiles.CyclicLabels(100);
        var images = new LabeledImages(2, 2, new byte[400], labels, 10);

        var subset = TransferExperiment.Classes(images, 5, 9, 0.3, seed: 1);

        Assert.Equal(15, subset.Count);
        Assert.All(Enumerable.Range(5, 5), c => Assert.Equal(3, subset.Labels.Count(l => l == c)));
    }
}
