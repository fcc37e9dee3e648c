using static TorchSharp.torch;

namespace Dsl.Checkpoints;

/// <summary>
/// Reads the names, element types and shapes in a TorchSharp state-dict file without loading the tensors, so a
/// mismatch can be reported parameter by parameter instead of TorchSharp's generic "mismatched shape".
/// </summary>
/// <remarks>
/// The layout is TorchSharp's <c>Module.save</c>: a 7-bit-encoded entry count, then per entry the name as a .NET
/// string, the 7-bit-encoded scalar type, rank and dimensions, and the raw element bytes.
/// </remarks>
internal static class StateDictFile
{
    public sealed record Entry(string Name, ScalarType Type, long[] Shape);

    public static IReadOnlyList<Entry> ReadEntries(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        try
        {
            var count = reader.Read7BitEncodedInt64();
            if (count < 0 || count > 1_000_000) throw new InvalidDataException($"implausible entry count {count}");
            var entries = new List<Entry>((int)count);
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var type = (ScalarType)reader.Read7BitEncodedInt64();
                var rank = reader.Read7BitEncodedInt64();
                if (rank < 0 || rank > 64) throw new InvalidDataException($"implausible rank {rank} for '{name}'");
                var shape = new long[rank];
                long elements = 1;
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = reader.Read7BitEncodedInt64();
                    if (shape[d] < 0) throw new InvalidDataException($"negative dimension for '{name}'");
                    elements = checked(elements * shape[d]);
                }
                var bytes = checked(elements * ElementSize(type, name));
                if (stream.Position + bytes > stream.Length) throw new InvalidDataException($"the data of '{name}' is cut short");
                stream.Seek(bytes, SeekOrigin.Current);
                entries.Add(new Entry(name, type, shape));
            }
            if (stream.Position != stream.Length) throw new InvalidDataException($"{stream.Length - stream.Position} bytes follow the last entry");
            return entries;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or OverflowException or IOException)
        {
            throw new CheckpointException(path, $"'{path}' is not a TorchSharp state-dict file: {e.Message}.", e);
        }
    }

    /// <summary>Every difference between the file's entries and the module's state dict, one per line; empty when they fit.</summary>
    public static IReadOnlyList<string> Compare(IReadOnlyList<Entry> file, IReadOnlyDictionary<string, (ScalarType Type, long[] Shape)> model)
    {
        var problems = new List<string>();
        var inFile = file.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, expected) in model)
        {
            if (!inFile.TryGetValue(name, out var actual))
                problems.Add($"'{name}' {Format(expected.Shape)} is missing from the file");
            else if (!actual.Shape.SequenceEqual(expected.Shape))
                problems.Add($"'{name}' is {Format(actual.Shape)} in the file but {Format(expected.Shape)} in the model");
            else if (actual.Type != expected.Type)
                problems.Add($"'{name}' is {actual.Type} in the file but {expected.Type} in the model");
        }
        foreach (var entry in file)
            if (!model.ContainsKey(entry.Name))
                problems.Add($"'{entry.Name}' {Format(entry.Shape)} is in the file but not in the model");
        return problems;
    }

    internal static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static long ElementSize(ScalarType type, string name) => type switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"unknown element type {(int)type} for '{name}'"),
    };
}
