using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Dsl.Datasets;

/// <summary>Reads IDX image and label files (the MNIST format), raw or gzipped, validating header and payload size.</summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (count, rows, columns).</summary>
    public const uint ImageMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (count).</summary>
    public const uint LabelMagic = 0x00000801;

    private const int InitialChunk = 1 << 20;

    /// <summary>Reads an IDX image file; throws <see cref="DatasetException"/> if it is missing, truncated or corrupt.</summary>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenFile(path, "image", ImageMagic);
        return ReadImages(stream, path);
    }

    /// <summary>Reads IDX images from a stream, naming it <paramref name="displayName"/> in error messages; the stream is left open.</summary>
    public static IdxImages ReadImages(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(displayName);
        return Guard(displayName, stream, payload =>
        {
            var dims = ReadHeader(payload.Stream, displayName, "image", ImageMagic, 3);
            var (count, rows, cols) = (dims[0], dims[1], dims[2]);
            // A header of zero images, or of 0×0 images, reads as an empty payload and would only fail later, far from the file.
            if (count <= 0 || rows <= 0 || cols <= 0)
            {
                throw new DatasetException(Invariant(
                    $"{displayName}: expected an IDX image header with a positive image count, height and width, found {count} images of {rows}×{cols}"));
            }

            var size = (Int128)count * rows * cols;
            var declared = Invariant($"{count}×{rows}×{cols} = {size} bytes of pixels");
            var pixels = ReadBody(payload, displayName, size, declared);
            return new IdxImages(count, rows, cols, pixels);
        });
    }

    /// <summary>Reads an IDX label file; throws <see cref="DatasetException"/> if it is missing, truncated or corrupt.</summary>
    public static byte[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = OpenFile(path, "label", LabelMagic);
        return ReadLabels(stream, path);
    }

    /// <summary>Reads IDX labels from a stream, naming it <paramref name="displayName"/> in error messages; the stream is left open.</summary>
    public static byte[] ReadLabels(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(displayName);
        return Guard(displayName, stream, payload =>
        {
            var count = ReadHeader(payload.Stream, displayName, "label", LabelMagic, 1)[0];
            return ReadBody(payload, displayName, count, Invariant($"{count} labels"));
        });
    }

    private static FileStream OpenFile(string path, string kind, uint magic)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DatasetException(Invariant($"{path}: file not found (expected an IDX {kind} file, magic 0x{magic:X8})"), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot be opened: {ex.Message}", ex);
        }
    }

    // Only a raw stream knows how many payload bytes are left; gzip has to be read to find out.
    private readonly record struct Payload(Stream Stream, bool Compressed);

    private static T Guard<T>(string name, Stream source, Func<Payload, T> read)
    {
        try
        {
            // Gzip is detected by peeking at the first bytes, which needs a way back to the start.
            using var copy = source.CanSeek ? null : CopyToMemory(source);
            var seekable = copy ?? source;
            var start = seekable.Position;
            Span<byte> signature = stackalloc byte[2];
            var peeked = seekable.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            seekable.Position = start;

            if (peeked == 2 && signature[0] == 0x1f && signature[1] == 0x8b)
            {
                using var gzip = new GZipStream(seekable, CompressionMode.Decompress, leaveOpen: true);
                return read(new Payload(gzip, Compressed: true));
            }

            return read(new Payload(seekable, Compressed: false));
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetException($"{name}: gzip data is corrupt ({ex.Message})", ex);
        }
        catch (IOException ex)
        {
            throw new DatasetException($"{name}: read failed: {ex.Message}", ex);
        }
    }

    private static MemoryStream CopyToMemory(Stream source)
    {
        var copy = new MemoryStream();
        source.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }

    private static int[] ReadHeader(Stream stream, string name, string kind, uint magic, int dimensions)
    {
        var length = 4 + 4 * dimensions;
        Span<byte> header = stackalloc byte[length];
        var read = stream.ReadAtLeast(header, length, throwOnEndOfStream: false);
        if (read < 4)
        {
            throw new DatasetException(Invariant(
                $"{name}: expected IDX {kind} magic 0x{magic:X8} in a {length}-byte header, found only {read} bytes"));
        }

        var found = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (found != magic)
        {
            throw new DatasetException(Invariant($"{name}: expected IDX {kind} magic 0x{magic:X8}, found 0x{found:X8}"));
        }

        if (read < length)
        {
            throw new DatasetException(Invariant(
                $"{name}: IDX {kind} header is truncated: expected {length} bytes, found {read}"));
        }

        var dims = new int[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            var dim = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * i)..]);
            if (dim > int.MaxValue)
            {
                throw new DatasetException(Invariant(
                    $"{name}: IDX {kind} header declares dimension {i} as {dim}, more than {int.MaxValue}"));
            }

            dims[i] = (int)dim;
        }

        return dims;
    }

    private static byte[] ReadBody(Payload payload, string name, Int128 declaredSize, string declared)
    {
        if (declaredSize > Array.MaxLength)
        {
            throw new DatasetException($"{name}: header declares {declared}, more than one array can hold");
        }

        var expected = (long)declaredSize;
        long? remaining = payload.Compressed ? null : payload.Stream.Length - payload.Stream.Position;
        if (remaining is { } known && known != expected)
        {
            // A raw file's length is known up front, so a corrupt header costs no allocation.
            throw new DatasetException(Invariant($"{name}: header declares {declared}, file holds {known}"));
        }

        // Gzip hides the payload length; growing towards the declared size keeps a lying header from allocating it all.
        var buffer = new byte[remaining is null ? Math.Min(expected, InitialChunk) : expected];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                if (filled == expected)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            }

            var n = payload.Stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        long held = filled;
        if (filled == expected)
        {
            held += CountRest(payload.Stream);
        }

        if (held != expected)
        {
            throw new DatasetException(Invariant($"{name}: header declares {declared}, file holds {held}"));
        }

        return buffer;
    }

    private static long CountRest(Stream stream)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long total = 0;
        int n;
        while ((n = stream.Read(scratch)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
