using System.Buffers.Binary;
using System.Text;

namespace Dsl.Native;

/// <summary>One version that an ELF file requires from one of its dependencies (a Vernaux entry).</summary>
/// <param name="FileName">The dependency the version is required from (vn_file), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="VersionName">The required version (vna_name), e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The raw vna_flags.</param>
/// <param name="VersionIndex">The vna_other index that .gnu.version uses to refer to this requirement.</param>
/// <param name="FlagsOffset">File offset of the two vna_flags bytes.</param>
internal readonly record struct ElfVersionRequirement(
    string FileName,
    string VersionName,
    ushort Flags,
    ushort VersionIndex,
    long FlagsOffset)
{
    /// <summary>True when ld.so treats a missing definition of this version as non-fatal.</summary>
    public bool IsWeak => (Flags & ElfVersionNeedPatcher.VerFlagWeak) != 0;
}

/// <summary>What <see cref="ElfVersionNeedPatcher.MarkWeak(byte[], string, string)"/> found.</summary>
internal enum ElfWeakenOutcome
{
    /// <summary>No dependency requires that version; nothing was changed.</summary>
    NotRequired,

    /// <summary>Every requirement of that version was already weak; nothing was changed.</summary>
    AlreadyWeak,

    /// <summary>At least one requirement of that version was made weak.</summary>
    Patched,
}

/// <summary>
/// Reads and edits the version-needs table (<c>.gnu.version_r</c>) of ELF64 little-endian files.
/// Only the two-byte vna_flags field is ever written, so the file keeps its size and layout.
/// </summary>
internal static class ElfVersionNeedPatcher
{
    /// <summary>VER_FLG_WEAK: ld.so reports a missing weak version only in verbose (ldd) mode.</summary>
    internal const ushort VerFlagWeak = 0x2;

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtStrtab = 3;
    private const int Elf64HeaderSize = 64;
    private const int Elf64SectionHeaderSize = 64;
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;

    /// <summary>Lists every version the file at <paramref name="path"/> requires, in table order.</summary>
    internal static IReadOnlyList<ElfVersionRequirement> ReadRequirements(string path) =>
        ReadRequirements(ReadFile(path), path);

    /// <summary>Lists every version <paramref name="image"/> requires; <paramref name="sourceName"/> names it in errors.</summary>
    internal static IReadOnlyList<ElfVersionRequirement> ReadRequirements(ReadOnlySpan<byte> image, string sourceName)
    {
        var reader = new Reader(image, sourceName);
        var result = new List<ElfVersionRequirement>();
        reader.WalkRequirements(result);
        return result;
    }

    /// <summary>Sets VER_FLG_WEAK on every requirement named <paramref name="versionName"/> in <paramref name="image"/>, in place.</summary>
    internal static ElfWeakenOutcome MarkWeak(byte[] image, string versionName, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(versionName);

        var matches = ReadRequirements(image, sourceName)
            .Where(r => string.Equals(r.VersionName, versionName, StringComparison.Ordinal))
            .ToList();
        if (matches.Count == 0)
        {
            return ElfWeakenOutcome.NotRequired;
        }

        var changed = false;
        foreach (var requirement in matches)
        {
            if (requirement.IsWeak)
            {
                continue;
            }

            var flags = (ushort)(requirement.Flags | VerFlagWeak);
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(checked((int)requirement.FlagsOffset), 2), flags);
            changed = true;
        }

        return changed ? ElfWeakenOutcome.Patched : ElfWeakenOutcome.AlreadyWeak;
    }

    /// <summary>
    /// Marks <paramref name="versionName"/> weak in the file at <paramref name="path"/>. The file is replaced by
    /// rename only when something changed, so a process that has it mapped keeps seeing the old bytes.
    /// </summary>
    internal static ElfWeakenOutcome MarkWeakInFile(string path, string versionName)
    {
        var image = ReadFile(path);
        var outcome = MarkWeak(image, versionName, path);
        if (outcome == ElfWeakenOutcome.Patched)
        {
            AtomicFile.Write(path, image);
        }

        return outcome;
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"'{path}' could not be read as an ELF file: {ex.Message}", ex);
        }
    }

    private readonly ref struct Reader
    {
        private readonly ReadOnlySpan<byte> image;
        private readonly string source;

        public Reader(ReadOnlySpan<byte> image, string source)
        {
            this.image = image;
            this.source = source;
        }

        public void WalkRequirements(List<ElfVersionRequirement> into)
        {
            RequireRange(0, Elf64HeaderSize, "the file is shorter than an ELF64 header");
            if (image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            {
                throw Invalid("it does not start with the ELF magic bytes");
            }

            if (image[4] != 2)
            {
                throw Invalid($"EI_CLASS is {image[4]}, only ELFCLASS64 (2) is supported");
            }

            if (image[5] != 1)
            {
                throw Invalid($"EI_DATA is {image[5]}, only little-endian (1) is supported");
            }

            var sectionTableOffset = U64(40);
            var sectionEntrySize = U16(58);
            ulong sectionCount = U16(60);
            if (sectionTableOffset == 0)
            {
                throw Invalid("it has no section header table (e_shoff is 0)");
            }

            if (sectionEntrySize != Elf64SectionHeaderSize)
            {
                throw Invalid($"e_shentsize is {sectionEntrySize}, expected {Elf64SectionHeaderSize}");
            }

            RequireRange(sectionTableOffset, Elf64SectionHeaderSize, "the section header table lies past the end of the file");
            if (sectionCount == 0)
            {
                // More than 0xff00 sections: the real count lives in sh_size of section 0.
                sectionCount = U64(sectionTableOffset + 32);
            }

            RequireRange(sectionTableOffset, sectionCount * Elf64SectionHeaderSize, "the section header table is truncated");

            // A file without a version-needs section is valid; it simply requires nothing.
            for (ulong i = 0; i < sectionCount; i++)
            {
                var header = sectionTableOffset + (i * Elf64SectionHeaderSize);
                if (U32(header + 4) == ShtGnuVerneed)
                {
                    WalkVerneedSection(header, sectionTableOffset, sectionCount, into);
                }
            }
        }

        private void WalkVerneedSection(ulong header, ulong sectionTableOffset, ulong sectionCount, List<ElfVersionRequirement> into)
        {
            var offset = U64(header + 24);
            var size = U64(header + 32);
            var link = U32(header + 40);
            var declaredCount = U32(header + 44);
            RequireRange(offset, size, "the .gnu.version_r section lies past the end of the file");
            if (size == 0)
            {
                return;
            }

            if (link == 0 || link >= sectionCount)
            {
                throw Invalid($"the .gnu.version_r section links to string table section {link}, which does not exist");
            }

            var stringHeader = sectionTableOffset + ((ulong)link * Elf64SectionHeaderSize);
            if (U32(stringHeader + 4) != ShtStrtab)
            {
                throw Invalid($"the .gnu.version_r section links to section {link}, which is not a string table");
            }

            var stringsOffset = U64(stringHeader + 24);
            var stringsSize = U64(stringHeader + 32);
            RequireRange(stringsOffset, stringsSize, "the version string table lies past the end of the file");

            // Every entry is at least 16 bytes, so a well-formed chain cannot be longer than this; it stops cycles.
            var maxEntries = size / VerneedSize;
            ulong entry = 0;
            ulong walked = 0;
            while (true)
            {
                if (++walked > maxEntries)
                {
                    throw Invalid("the Verneed chain is longer than its section (vn_next loops)");
                }

                RequireInside(entry, VerneedSize, size, "a Verneed entry runs past the end of .gnu.version_r");
                var at = offset + entry;
                var structureVersion = U16(at);
                if (structureVersion != 1)
                {
                    throw Invalid($"a Verneed entry has vn_version {structureVersion}, only 1 is defined");
                }

                var auxCount = U16(at + 2);
                var fileName = ReadString(stringsOffset, stringsSize, U32(at + 4));
                var auxOffset = U32(at + 8);
                var next = U32(at + 12);

                WalkVernauxChain(offset, size, entry + auxOffset, auxCount, fileName, stringsOffset, stringsSize, into);

                if (next == 0)
                {
                    break;
                }

                entry += next;
            }

            if (declaredCount != 0 && walked != declaredCount)
            {
                throw Invalid($".gnu.version_r declares {declaredCount} Verneed entries (sh_info) but its chain has {walked}");
            }
        }

        private void WalkVernauxChain(
            ulong sectionOffset,
            ulong sectionSize,
            ulong first,
            ushort count,
            string fileName,
            ulong stringsOffset,
            ulong stringsSize,
            List<ElfVersionRequirement> into)
        {
            var aux = first;
            for (var i = 0; i < count; i++)
            {
                RequireInside(aux, VernauxSize, sectionSize, $"a Vernaux entry of '{fileName}' runs past the end of .gnu.version_r");
                var at = sectionOffset + aux;
                var flags = U16(at + 4);
                var other = U16(at + 6);
                var name = ReadString(stringsOffset, stringsSize, U32(at + 8));
                var next = U32(at + 12);
                into.Add(new ElfVersionRequirement(fileName, name, flags, other, checked((long)(at + 4))));

                if (next == 0)
                {
                    if (i != count - 1)
                    {
                        throw Invalid($"'{fileName}' declares {count} Vernaux entries (vn_cnt) but its chain ends after {i + 1}");
                    }

                    break;
                }

                aux += next;
            }
        }

        private string ReadString(ulong tableOffset, ulong tableSize, uint nameOffset)
        {
            if (nameOffset >= tableSize)
            {
                throw Invalid($"a version name offset ({nameOffset}) lies outside its string table ({tableSize} bytes)");
            }

            var start = checked((int)(tableOffset + nameOffset));
            var length = checked((int)(tableSize - nameOffset));
            var span = image.Slice(start, length);
            var end = span.IndexOf((byte)0);
            if (end < 0)
            {
                throw Invalid("a version name in the string table is not NUL-terminated");
            }

            return Encoding.UTF8.GetString(span[..end]);
        }

        private ushort U16(ulong at)
        {
            RequireRange(at, 2, "a field lies past the end of the file");
            return BinaryPrimitives.ReadUInt16LittleEndian(image.Slice((int)at, 2));
        }

        private uint U32(ulong at)
        {
            RequireRange(at, 4, "a field lies past the end of the file");
            return BinaryPrimitives.ReadUInt32LittleEndian(image.Slice((int)at, 4));
        }

        private ulong U64(ulong at)
        {
            RequireRange(at, 8, "a field lies past the end of the file");
            return BinaryPrimitives.ReadUInt64LittleEndian(image.Slice((int)at, 8));
        }

        private void RequireRange(ulong offset, ulong length, string problem)
        {
            var fileLength = (ulong)image.Length;
            if (offset > fileLength || length > fileLength - offset)
            {
                throw Invalid($"{problem} (needs {length} bytes at offset {offset}, the file has {fileLength}; it looks truncated)");
            }
        }

        private void RequireInside(ulong offset, ulong length, ulong containerSize, string problem)
        {
            if (offset > containerSize || length > containerSize - offset)
            {
                throw Invalid(problem);
            }
        }

        private InvalidDataException Invalid(string problem) =>
            new($"'{source}' is not a usable ELF64 little-endian file: {problem}.");
    }
}

/// <summary>Writes a file so that readers see either the old or the new content, never a mix.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> to a temporary sibling, flushes it, then renames it over <paramref name="path"/>.</summary>
    internal static void Write(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            // rename(2) replaces the name in one step; a process that mapped the old file keeps its inode.
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The leftover is a uniquely named temporary file; losing it is harmless.
        }
    }
}
