using System.Buffers.Binary;
using System.IO.Compression;

namespace Dsl.Runtime.Tests.Datasets;

/// <summary>Builds small IDX files and Fashion-MNIST-shaped folders in a temp directory that is deleted on dispose.</summary>
internal sealed class IdxTestFiles : IDisposable
{
    public IdxTestFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "dsl-idx-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static byte[] ImageBytes(int count, int rows, int cols, byte[] pixels)
    {
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(0), 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        pixels.CopyTo(bytes, 16);
        return bytes;
    }

    public static byte[] LabelBytes(int count, byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(0), 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] payload)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        return buffer.ToArray();
    }

    /// <summary>Pixels whose value encodes the image index and position, so reordering or offsets show up.</summary>
    public static byte[] Pattern(int count, int rows, int cols)
    {
        var pixels = new byte[count * rows * cols];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 7 + 3) % 256);
        }

        return pixels;
    }

    public string Write(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes the four Fashion-MNIST files into a sub-folder, with train/test sizes that identify the folder in assertions.</summary>
    public string WriteDataset(string folder, int trainCount, int testCount, int rows = 28, int cols = 28, bool gzip = true)
    {
        var directory = Path.Combine(Root, folder);
        Directory.CreateDirectory(directory);
        WriteSplit(directory, "train", trainCount, rows, cols, gzip);
        WriteSplit(directory, "t10k", testCount, rows, cols, gzip);
        return directory;
    }

    public static byte[] CyclicLabels(int count)
    {
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
        }

        return labels;
    }

    private static void WriteSplit(string directory, string prefix, int count, int rows, int cols, bool gzip)
    {
        var images = ImageBytes(count, rows, cols, Pattern(count, rows, cols));
        var labels = LabelBytes(count, CyclicLabels(count));
        var suffix = gzip ? ".gz" : string.Empty;
        File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{suffix}"), gzip ? Gzip(images) : images);
        File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{suffix}"), gzip ? Gzip(labels) : labels);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail a test.
        }
    }
}

/// <summary>A read-only stream that cannot seek, like a network or pipe source.</summary>
internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 5));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
