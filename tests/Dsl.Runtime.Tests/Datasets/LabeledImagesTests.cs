using Dsl.Datasets;

namespace Dsl.Runtime.Tests.Datasets;

public sealed class LabeledImagesTests
{
    [Fact]
    public void Take_copies_the_leading_images_and_labels()
    {
        var pixels = IdxTestFiles.Pattern(5, 2, 3);
        var set = new LabeledImages(2, 3, pixels, [4, 3, 2, 1, 0], 10);

        var head = set.Take(2);

        Assert.Equal((2, 2, 3, 10), (head.Count, head.Height, head.Width, head.ClassCount));
        Assert.Equal(pixels[..12], head.Pixels);
        Assert.Equal(new byte[] { 4, 3 }, head.Labels);
        Assert.NotSame(set.Pixels, head.Pixels);
        Assert.Equal(0, set.Take(0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Take(6));
    }

    [Fact]
    public void Constructor_rejects_inconsistent_sizes_and_labels()
    {
        Assert.Throws<ArgumentException>(() => new LabeledImages(2, 2, new byte[7], [0, 1], 10));
        Assert.Throws<ArgumentException>(() => new LabeledImages(1, 1, new byte[2], [0, 10], 10));
    }
}

/// <summary>Needs libtorch; kept apart from the pure reader and lookup tests so those run without it.</summary>
public sealed class LabeledImagesTensorTests
{
    [Fact]
    public void ToTensors_gives_scaled_float_images_and_int64_labels()
    {
        var pixels = new byte[] { 0, 255, 51, 102, 0, 0, 255, 255 };
        var set = new LabeledImages(2, 2, pixels, [7, 2], 10);

        var (images, labels) = set.ToTensors();
        using (images)
        using (labels)
        {
            // The tensors are copies: later edits to the managed arrays must not reach them.
            pixels[1] = 0;

            Assert.Equal(new long[] { 2, 1, 2, 2 }, images.shape);
            Assert.Equal(TorchSharp.torch.ScalarType.Float32, images.dtype);
            Assert.Equal(new[] { 0f, 1f, 0.2f, 0.4f, 0f, 0f, 1f, 1f }, images.data<float>().ToArray(), new FloatTolerance(1e-6f));

            Assert.Equal(new long[] { 2 }, labels.shape);
            Assert.Equal(TorchSharp.torch.ScalarType.Int64, labels.dtype);
            Assert.Equal(new long[] { 7, 2 }, labels.data<long>().ToArray());
        }
    }

    [Fact]
    public void ToTensors_on_the_embedded_subset_keeps_every_image()
    {
        var data = FashionMnist.Load(null, null, Path.Combine(Path.GetTempPath(), "dsl-no-such-dir"), typeof(FashionMnist).Assembly);

        var (images, labels) = data.Test.ToTensors();
        using (images)
        using (labels)
        {
            Assert.Equal(new long[] { 1000, 1, 28, 28 }, images.shape);
            Assert.Equal(data.Test.Pixels.Sum(p => (double)p) / 255.0, images.sum().item<float>(), 1);
            Assert.Equal(data.Test.Labels.Select(l => (long)l), labels.data<long>().ToArray());
        }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
