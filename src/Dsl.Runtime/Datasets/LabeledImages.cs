using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Datasets;

/// <summary>Single-channel byte images with one class label each, held in managed memory until turned into tensors.</summary>
public sealed class LabeledImages
{
    /// <summary>Creates a set from row-major pixels (labels.Length × height × width bytes) and labels below <paramref name="classCount"/>.</summary>
    public LabeledImages(int height, int width, byte[] pixels, byte[] labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        if ((long)labels.Length * height * width != pixels.Length)
        {
            throw new ArgumentException(
                $"{labels.Length} images of {height}×{width} need {(long)labels.Length * height * width} pixel bytes, got {pixels.Length}.",
                nameof(pixels));
        }

        var bad = labels.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} at index {bad} is not below the class count {classCount}.", nameof(labels));
        }

        Height = height;
        Width = width;
        Pixels = pixels;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>Count × Height × Width pixel bytes, image after image, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>One class index per image, each below <see cref="ClassCount"/>.</summary>
    public byte[] Labels { get; }

    /// <summary>Number of classes the labels index into.</summary>
    public int ClassCount { get; }

    /// <summary>Copies the set into float32 images [N, 1, H, W] scaled to [0, 1] and int64 labels [N]; the caller owns both tensors.</summary>
    public (Tensor Images, Tensor Labels) ToTensors()
    {
        // One bulk copy as uint8, then one native conversion each: no per-element managed loop.
        using var rawImages = torch.tensor(Pixels, [Count, 1, Height, Width]);
        using var rawLabels = torch.tensor(Labels, [Count]);
        var images = rawImages.to_type(ScalarType.Float32).div_(255f);
        var labels = rawLabels.to_type(ScalarType.Int64);
        return (images, labels);
    }

    /// <summary>Returns a copy of the first <paramref name="count"/> images and their labels.</summary>
    public LabeledImages Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        var size = Height * Width;
        return new LabeledImages(Height, Width, Pixels.AsSpan(0, count * size).ToArray(), Labels.AsSpan(0, count).ToArray(), ClassCount);
    }
}
