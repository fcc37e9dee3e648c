using System.Buffers.Binary;
using System.Text;

namespace Dsl.Runtime.Tests.Native;

/// <summary>
/// Builds a minimal ELF64 little-endian shared object with a .dynstr, a .gnu.version_r and a .shstrtab, so the
/// patcher can be tested on exact, known bytes instead of whatever TorchSharp happens to ship.
/// </summary>
internal sealed class SyntheticElf
{
    public const ushort Weak = 0x2;

    private readonly List<(string File, List<(string Name, ushort Flags)> Versions)> needs = [];

    /// <summary>When set, the last Verneed's vn_next points back at the first entry.</summary>
    public bool CyclicVerneedChain { get; init; }

    /// <summary>Offsets of the vna_flags fields, by version name, in the last built image.</summary>
    public Dictionary<string, int> FlagOffsets { get; } = new(StringComparer.Ordinal);

    public SyntheticElf Needs(string file, params (string Name, ushort Flags)[] versions)
    {
        needs.Add((file, versions.ToList()));
        return this;
    }

    /// <summary>The usual shape of TorchSharp's shim: libstdc++ with GLIBCXX_3.4.32 among others, then libc.</summary>
    public static SyntheticElf LikeTorchSharpShim(ushort glibcxx3432Flags = 0) =>
        new SyntheticElf()
            .Needs("libstdc++.so.6", ("GLIBCXX_3.4.30", 0), ("GLIBCXX_3.4.32", glibcxx3432Flags), ("CXXABI_1.3", 0))
            .Needs("libc.so.6", ("GLIBC_2.34", 0));

    public byte[] Build()
    {
        FlagOffsets.Clear();

        var dynstr = new MemoryStream();
        dynstr.WriteByte(0);
        var stringOffsets = new Dictionary<string, int>(StringComparer.Ordinal);
        int Intern(string s)
        {
            if (!stringOffsets.TryGetValue(s, out var offset))
            {
                offset = (int)dynstr.Length;
                dynstr.Write(Encoding.ASCII.GetBytes(s));
                dynstr.WriteByte(0);
                stringOffsets[s] = offset;
            }

            return offset;
        }

        foreach (var (file, versions) in needs)
        {
            Intern(file);
            versions.ForEach(v => Intern(v.Name));
        }

        var shstrtab = Encoding.ASCII.GetBytes("\0.dynstr\0.gnu.version_r\0.shstrtab\0");
        const int DynstrName = 1, VerneedName = 9, ShstrtabName = 24;

        var verneedSize = needs.Sum(n => 16 + (16 * n.Versions.Count));
        const int DynstrOffset = 64;
        var verneedOffset = Align(DynstrOffset + (int)dynstr.Length, 8);
        var shstrtabOffset = verneedOffset + verneedSize;
        var sectionHeadersOffset = Align(shstrtabOffset + shstrtab.Length, 8);
        const int SectionCount = 4;
        var image = new byte[sectionHeadersOffset + (SectionCount * 64)];

        // ELF header.
        image[0] = 0x7f;
        image[1] = (byte)'E';
        image[2] = (byte)'L';
        image[3] = (byte)'F';
        image[4] = 2; // ELFCLASS64
        image[5] = 1; // ELFDATA2LSB
        image[6] = 1; // EV_CURRENT
        U16(image, 16, 3); // ET_DYN
        U16(image, 18, 62); // EM_X86_64
        U32(image, 20, 1);
        U64(image, 40, (ulong)sectionHeadersOffset);
        U16(image, 52, 64);
        U16(image, 58, 64);
        U16(image, 60, SectionCount);
        U16(image, 62, 3);

        dynstr.ToArray().CopyTo(image, DynstrOffset);
        shstrtab.CopyTo(image, shstrtabOffset);

        var cursor = verneedOffset;
        ushort versionIndex = 2;
        for (var i = 0; i < needs.Count; i++)
        {
            var (file, versions) = needs[i];
            var entrySize = 16 + (16 * versions.Count);
            var isLast = i == needs.Count - 1;
            U16(image, cursor, 1); // vn_version
            U16(image, cursor + 2, (ushort)versions.Count);
            U32(image, cursor + 4, (uint)Intern(file));
            U32(image, cursor + 8, 16);
            var next = isLast ? (CyclicVerneedChain ? (uint)(verneedOffset - cursor) : 0u) : (uint)entrySize;
            U32(image, cursor + 12, next);

            var aux = cursor + 16;
            for (var j = 0; j < versions.Count; j++)
            {
                var (name, flags) = versions[j];
                U32(image, aux, ElfHash(name));
                U16(image, aux + 4, flags);
                U16(image, aux + 6, versionIndex++);
                U32(image, aux + 8, (uint)Intern(name));
                U32(image, aux + 12, j == versions.Count - 1 ? 0u : 16u);
                FlagOffsets[name] = aux + 4;
                aux += 16;
            }

            cursor += entrySize;
        }

        // Section headers: null, .dynstr, .gnu.version_r (linked to .dynstr), .shstrtab.
        WriteSection(image, sectionHeadersOffset + 64, DynstrName, 3, DynstrOffset, (int)dynstr.Length, link: 0, info: 0);
        WriteSection(image, sectionHeadersOffset + 128, VerneedName, 0x6ffffffe, verneedOffset, verneedSize, link: 1, info: (uint)needs.Count);
        WriteSection(image, sectionHeadersOffset + 192, ShstrtabName, 3, shstrtabOffset, shstrtab.Length, link: 0, info: 0);
        return image;
    }

    private static void WriteSection(byte[] image, int at, uint name, uint type, int offset, int size, uint link, uint info)
    {
        U32(image, at, name);
        U32(image, at + 4, type);
        U64(image, at + 24, (ulong)offset);
        U64(image, at + 32, (ulong)size);
        U32(image, at + 40, link);
        U32(image, at + 44, info);
        U64(image, at + 48, 1);
    }

    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (var c in Encoding.ASCII.GetBytes(name))
        {
            h = (h << 4) + c;
            var g = h & 0xf0000000;
            if (g != 0)
            {
                h ^= g >> 24;
            }

            h &= ~g;
        }

        return h;
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static void U16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);

    private static void U32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);

    private static void U64(byte[] b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);
}

/// <summary>A temporary directory removed when the test ends.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dsl-native-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the name is unique.
        }
    }
}
