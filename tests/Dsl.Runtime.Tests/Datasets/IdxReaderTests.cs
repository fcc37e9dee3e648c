using Dsl.Datasets;

namespace Dsl.Runtime.Tests.Datasets;

public sealed class IdxReaderTests : IDisposable
{
    private readonly IdxTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_and_labels_round_trip(bool gzip)
    {
        var pixels = IdxTestFiles.Pattern(3, 4, 5);
        var labels = new byte[] { 9, 0, 4 };
        var imageBytes = IdxTestFiles.ImageBytes(3, 4, 5, pixels);
        var labelBytes = IdxTestFiles.LabelBytes(3, labels);
        var imagePath = files.Write("images.idx", gzip ? IdxTestFiles.Gzip(imageBytes) : imageBytes);
        var labelPath = files.Write("labels.idx", gzip ? IdxTestFiles.Gzip(labelBytes) : labelBytes);

        var images = IdxReader.ReadImages(imagePath);

        Assert.Equal((3, 4, 5), (images.Count, images.Height, images.Width));
        Assert.Equal(pixels, images.Pixels);
        Assert.Equal(labels, IdxReader.ReadLabels(labelPath));
    }

    [Fact]
    public void Gzip_is_detected_by_content_not_by_extension()
    {
        var pixels = IdxTestFiles.Pattern(2, 2, 2);
        var raw = IdxTestFiles.ImageBytes(2, 2, 2, pixels);
        var rawNamedGz = files.Write("raw.gz", raw);
        var gzNamedRaw = files.Write("compressed.idx", IdxTestFiles.Gzip(raw));

        Assert.Equal(pixels, IdxReader.ReadImages(rawNamedGz).Pixels);
        Assert.Equal(pixels, IdxReader.ReadImages(gzNamedRaw).Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Streams_that_cannot_seek_are_read(bool gzip)
    {
        var labels = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var bytes = IdxTestFiles.LabelBytes(labels.Length, labels);
        using var stream = new ForwardOnlyStream(new MemoryStream(gzip ? IdxTestFiles.Gzip(bytes) : bytes));

        Assert.Equal(labels, IdxReader.ReadLabels(stream, "piped labels"));
    }

    [Fact]
    public void A_stream_is_read_from_its_current_position()
    {
        var labels = new byte[] { 3, 1, 4 };
        var bytes = IdxTestFiles.Gzip(IdxTestFiles.LabelBytes(3, labels));
        using var stream = new MemoryStream([0xAA, 0xBB, .. bytes]) { Position = 2 };

        Assert.Equal(labels, IdxReader.ReadLabels(stream, "offset"));
    }

    [Fact]
    public void Missing_file_names_the_path_and_the_expected_magic()
    {
        var path = Path.Combine(files.Root, "nowhere", "train-images-idx3-ubyte.gz");

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("not found", ex.Message);
        Assert.Contains("0x00000803", ex.Message);
    }

    [Fact]
    public void Labels_file_read_as_images_reports_both_magics()
    {
        var path = files.Write("train-labels-idx1-ubyte.gz", IdxTestFiles.Gzip(IdxTestFiles.LabelBytes(2, [1, 2])));

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Equal($"{path}: expected IDX image magic 0x00000803, found 0x00000801", ex.Message);
    }

    [Fact]
    public void Doubly_gzipped_file_reports_the_gzip_signature_as_found_magic()
    {
        var path = files.Write("t10k-labels-idx1-ubyte.gz", IdxTestFiles.Gzip(IdxTestFiles.Gzip(IdxTestFiles.LabelBytes(1, [1]))));

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadLabels(path));

        Assert.StartsWith($"{path}: expected IDX label magic 0x00000801, found 0x1F8B08", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_pixels_report_declared_and_held_sizes(bool gzip)
    {
        var bytes = IdxTestFiles.ImageBytes(3, 2, 2, new byte[7]);
        var path = files.Write("train-images-idx3-ubyte.gz", gzip ? IdxTestFiles.Gzip(bytes) : bytes);

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Equal($"{path}: header declares 3×2×2 = 12 bytes of pixels, file holds 7", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_bytes_are_reported_as_a_size_mismatch(bool gzip)
    {
        var bytes = IdxTestFiles.LabelBytes(2, [1, 2, 3, 4, 5]);
        var path = files.Write("labels", gzip ? IdxTestFiles.Gzip(bytes) : bytes);

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadLabels(path));

        Assert.Equal($"{path}: header declares 2 labels, file holds 5", ex.Message);
    }

    [Fact]
    public void Truncated_header_reports_expected_and_found_lengths()
    {
        var path = files.Write("short-images", IdxTestFiles.ImageBytes(1, 1, 1, [0])[..10]);

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Equal($"{path}: IDX image header is truncated: expected 16 bytes, found 10", ex.Message);
    }

    [Fact]
    public void Empty_file_reports_the_expected_magic()
    {
        var path = files.Write("empty.gz", []);

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadLabels(path));

        Assert.Equal($"{path}: expected IDX label magic 0x00000801 in a 8-byte header, found only 0 bytes", ex.Message);
    }

    [Fact]
    public void Corrupt_gzip_is_one_dataset_exception_naming_the_file()
    {
        var good = IdxTestFiles.Gzip(IdxTestFiles.ImageBytes(4, 8, 8, IdxTestFiles.Pattern(4, 8, 8)));
        for (var i = 10; i < good.Length - 8; i++)
        {
            good[i] ^= 0x5A;
        }

        var path = files.Write("corrupt.gz", good);

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ": ", ex.Message);
    }

    [Theory]
    [InlineData(3, 0, 0, false)]
    [InlineData(3, 0, 0, true)]
    [InlineData(2, 28, 0, false)]
    [InlineData(0, 28, 28, true)]
    public void A_header_without_pixels_names_the_file_and_the_dimensions_it_declares(int count, int rows, int cols, bool gzip)
    {
        var bytes = IdxTestFiles.ImageBytes(count, rows, cols, []);
        var path = files.Write("train-images-idx3-ubyte.gz", gzip ? IdxTestFiles.Gzip(bytes) : bytes);

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Equal($"{path}: expected an IDX image header with a positive image count, height and width, found {count} images of {rows}×{cols}", ex.Message);
    }

    [Fact]
    public void Absurd_header_is_rejected_before_allocating()
    {
        var bytes = IdxTestFiles.ImageBytes(1, 1, 1, [0]);
        bytes[4] = 0x7F; // count ≈ 2.1 billion with 1×1 images: declared size exceeds any array
        bytes[8] = 0x7F;
        var path = files.Write("huge.gz", IdxTestFiles.Gzip(bytes));

        var ex = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("more than one array can hold", ex.Message);
    }
}
