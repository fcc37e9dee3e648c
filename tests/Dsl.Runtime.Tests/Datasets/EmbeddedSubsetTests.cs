using Dsl.Datasets;

namespace Dsl.Runtime.Tests.Datasets;

public sealed class EmbeddedSubsetTests
{
    private static readonly Lazy<FashionMnistData> Subset = new(() =>
        FashionMnist.Load(null, null, Path.Combine(Path.GetTempPath(), "dsl-no-such-dir-" + Guid.NewGuid().ToString("N")), typeof(FashionMnist).Assembly));

    [Fact]
    public void Subset_has_6000_train_and_1000_test_images_of_28x28()
    {
        var data = Subset.Value;

        Assert.Equal(DatasetSourceKind.EmbeddedSubset, data.SourceKind);
        Assert.Equal((6000, 28, 28), (data.Train.Count, data.Train.Height, data.Train.Width));
        Assert.Equal((1000, 28, 28), (data.Test.Count, data.Test.Height, data.Test.Width));
        Assert.Equal(6000 * 28 * 28, data.Train.Pixels.Length);
        Assert.Equal(10, data.Train.ClassCount);
    }

    [Fact]
    public void Subset_is_class_balanced()
    {
        var data = Subset.Value;

        Assert.All(Histogram(data.Train.Labels), n => Assert.Equal(600, n));
        Assert.All(Histogram(data.Test.Labels), n => Assert.Equal(100, n));
    }

    [Fact]
    public void Subset_is_real_image_data()
    {
        var pixels = Subset.Value.Train.Pixels;

        // Fashion-MNIST has black backgrounds and bright garments; a blank or noise payload would not.
        Assert.Equal(0, pixels[0]);
        Assert.Contains(pixels, p => p == 255);
        var mean = pixels.Average(p => (double)p);
        Assert.InRange(mean, 60, 90);
    }

    private static int[] Histogram(byte[] labels)
    {
        var counts = new int[10];
        foreach (var label in labels)
        {
            counts[label]++;
        }

        return counts;
    }
}
