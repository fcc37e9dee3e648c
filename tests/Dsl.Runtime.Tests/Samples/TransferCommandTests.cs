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
        Assert.Contains("transfer with nothing frozen (50 images, 1 epochs): test accuracy ", output);
        Assert.Contains("transfer gain ", output);
        Assert.Contains("with nothing frozen ", output);
    }

    [Fact]
    public void One_pretraining_serves_every_budget_and_each_budget_trains_its_own_runs()
    {
        var data = FashionMnist.Load(files.WriteDataset("budgets", 200, 40));
        var log = new StringWriter();

        var outcomes = TransferExperiment.Run(data, pretrainEpochs: 1, epochBudgets: [1, 2], targetFraction: 0.5, seed: 0, log);

        Assert.Equal([1, 2], outcomes.Select(o => o.Epochs));
        Assert.Single(log.ToString().Split('\n'), line => line.StartsWith("pretrained on classes 0-4", StringComparison.Ordinal));
        Assert.Equal(outcomes[0].PretrainAccuracy, outcomes[1].PretrainAccuracy);
        Assert.Contains("scratch on classes 5-9 (50 images, 2 epochs)", log.ToString());
        Assert.Throws<ArgumentException>(() => TransferExperiment.Run(data, 1, [], 0.5, 0, log));
        Assert.Throws<ArgumentException>(() => TransferExperiment.Run(data, 1, [0], 0.5, 0, log));
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
