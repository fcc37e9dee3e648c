using Dsl.Native;

namespace Dsl.Runtime.Tests.Native;

public class ElfVersionNeedPatcherTests
{
    [Fact]
    public void Lists_every_required_version_with_its_file_and_flags()
    {
        var elf = SyntheticElf.LikeTorchSharpShim();
        var image = elf.Build();

        var requirements = ElfVersionNeedPatcher.ReadRequirements(image, "synthetic");

        Assert.Equal(
            [
                ("libstdc++.so.6", "GLIBCXX_3.4.30"),
                ("libstdc++.so.6", "GLIBCXX_3.4.32"),
                ("libstdc++.so.6", "CXXABI_1.3"),
                ("libc.so.6", "GLIBC_2.34"),
            ],
            requirements.Select(r => (r.FileName, r.VersionName)));
        Assert.All(requirements, r => Assert.False(r.IsWeak));
        Assert.Equal([2, 3, 4, 5], requirements.Select(r => (int)r.VersionIndex));
        Assert.Equal(elf.FlagOffsets["GLIBCXX_3.4.32"], requirements[1].FlagsOffset);
    }

    [Fact]
    public void Marking_weak_changes_only_the_flags_of_the_named_version()
    {
        var elf = SyntheticElf.LikeTorchSharpShim();
        var original = elf.Build();
        var image = (byte[])original.Clone();

        var outcome = ElfVersionNeedPatcher.MarkWeak(image, "GLIBCXX_3.4.32", "synthetic");

        Assert.Equal(ElfWeakenOutcome.Patched, outcome);
        var changed = Enumerable.Range(0, image.Length).Where(i => image[i] != original[i]).ToList();
        Assert.Equal([elf.FlagOffsets["GLIBCXX_3.4.32"]], changed);
        var after = ElfVersionNeedPatcher.ReadRequirements(image, "synthetic");
        Assert.Equal(["GLIBCXX_3.4.32"], after.Where(r => r.IsWeak).Select(r => r.VersionName));
        Assert.Equal(SyntheticElf.Weak, after.Single(r => r.VersionName == "GLIBCXX_3.4.32").Flags);
    }

    [Fact]
    public void Marking_weak_keeps_other_flag_bits()
    {
        const ushort VerFlagBase = 0x1;
        var image = SyntheticElf.LikeTorchSharpShim(glibcxx3432Flags: VerFlagBase).Build();

        ElfVersionNeedPatcher.MarkWeak(image, "GLIBCXX_3.4.32", "synthetic");

        var flags = ElfVersionNeedPatcher.ReadRequirements(image, "synthetic").Single(r => r.VersionName == "GLIBCXX_3.4.32").Flags;
        Assert.Equal(VerFlagBase | SyntheticElf.Weak, flags);
    }

    [Fact]
    public void Patching_twice_gives_the_same_bytes_and_reports_no_change()
    {
        var image = SyntheticElf.LikeTorchSharpShim().Build();
        Assert.Equal(ElfWeakenOutcome.Patched, ElfVersionNeedPatcher.MarkWeak(image, "GLIBCXX_3.4.32", "synthetic"));
        var once = (byte[])image.Clone();

        var second = ElfVersionNeedPatcher.MarkWeak(image, "GLIBCXX_3.4.32", "synthetic");

        Assert.Equal(ElfWeakenOutcome.AlreadyWeak, second);
        Assert.Equal(once, image);
    }

    [Fact]
    public void An_already_weak_version_is_reported_and_left_alone()
    {
        var original = SyntheticElf.LikeTorchSharpShim(glibcxx3432Flags: SyntheticElf.Weak).Build();
        var image = (byte[])original.Clone();

        Assert.Equal(ElfWeakenOutcome.AlreadyWeak, ElfVersionNeedPatcher.MarkWeak(image, "GLIBCXX_3.4.32", "synthetic"));
        Assert.Equal(original, image);
    }

    [Fact]
    public void A_version_nobody_requires_changes_nothing()
    {
        var original = SyntheticElf.LikeTorchSharpShim().Build();
        var image = (byte[])original.Clone();

        Assert.Equal(ElfWeakenOutcome.NotRequired, ElfVersionNeedPatcher.MarkWeak(image, "GLIBCXX_9.9", "synthetic"));
        Assert.Equal(original, image);
    }

    [Fact]
    public void Every_dependency_requiring_the_version_is_patched()
    {
        var image = new SyntheticElf()
            .Needs("liba.so", ("V_1", 0))
            .Needs("libb.so", ("V_2", 0), ("V_1", 0))
            .Build();

        ElfVersionNeedPatcher.MarkWeak(image, "V_1", "synthetic");

        var requirements = ElfVersionNeedPatcher.ReadRequirements(image, "synthetic");
        Assert.Equal(2, requirements.Count(r => r.VersionName == "V_1" && r.IsWeak));
        Assert.False(requirements.Single(r => r.VersionName == "V_2").IsWeak);
    }

    [Fact]
    public void Patching_a_file_twice_is_idempotent()
    {
        using var temp = new TempDirectory();
        var path = temp.File("libshim.so");
        File.WriteAllBytes(path, SyntheticElf.LikeTorchSharpShim().Build());

        var first = ElfVersionNeedPatcher.MarkWeakInFile(path, "GLIBCXX_3.4.32");
        var afterFirst = File.ReadAllBytes(path);
        var second = ElfVersionNeedPatcher.MarkWeakInFile(path, "GLIBCXX_3.4.32");

        Assert.Equal(ElfWeakenOutcome.Patched, first);
        Assert.Equal(ElfWeakenOutcome.AlreadyWeak, second);
        Assert.Equal(afterFirst, File.ReadAllBytes(path));
        Assert.True(ElfVersionNeedPatcher.ReadRequirements(path).Single(r => r.VersionName == "GLIBCXX_3.4.32").IsWeak);
        Assert.Equal(["libshim.so"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_file_without_version_needs_requires_nothing()
    {
        var image = new SyntheticElf().Build();

        Assert.Empty(ElfVersionNeedPatcher.ReadRequirements(image, "synthetic"));
    }

    [Fact]
    public void A_non_elf_file_gives_a_clear_error_naming_the_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("not-a-library.so");
        File.WriteAllText(path, "#!/bin/sh\necho this is a shell script, not a shared object, but it is long enough for a header\n");

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MarkWeakInFile(path, "GLIBCXX_3.4.32"));

        Assert.Contains(path, error.Message);
        Assert.Contains("ELF magic", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(63)]
    public void A_file_shorter_than_the_header_gives_a_clear_error(int length)
    {
        using var temp = new TempDirectory();
        var path = temp.File("short.so");
        File.WriteAllBytes(path, SyntheticElf.LikeTorchSharpShim().Build()[..length]);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_truncated_file_gives_a_clear_error_naming_the_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("truncated.so");
        var image = SyntheticElf.LikeTorchSharpShim().Build();
        File.WriteAllBytes(path, image[..(image.Length - 40)]);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MarkWeakInFile(path, "GLIBCXX_3.4.32"));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_32_bit_or_big_endian_file_is_rejected_with_the_reason()
    {
        var image = SyntheticElf.LikeTorchSharpShim().Build();
        var elf32 = (byte[])image.Clone();
        elf32[4] = 1;
        var bigEndian = (byte[])image.Clone();
        bigEndian[5] = 2;

        Assert.Contains("ELFCLASS64", Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(elf32, "a32.so")).Message);
        Assert.Contains("little-endian", Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(bigEndian, "be.so")).Message);
    }

    [Fact]
    public void A_looping_verneed_chain_is_rejected_instead_of_hanging()
    {
        var image = new SyntheticElf { CyclicVerneedChain = true }
            .Needs("liba.so", ("V_1", 0))
            .Needs("libb.so", ("V_2", 0))
            .Build();

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(image, "cyclic.so"));

        Assert.Contains("cyclic.so", error.Message);
    }

    [Fact]
    public void A_missing_file_gives_a_clear_error_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "dsl-no-such-dir-" + Guid.NewGuid().ToString("N"), "libnothing.so");

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void The_real_torchsharp_shim_requires_glibcxx_3_4_32_and_patches_in_one_byte()
    {
        var shim = TorchSharpFiles.FindShim();
        if (shim is null)
        {
            return; // Only the linux-x64 TorchSharp package ships this file.
        }

        var original = File.ReadAllBytes(shim);
        var requirement = ElfVersionNeedPatcher.ReadRequirements(original, shim).Single(r => r.VersionName == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", requirement.FileName);
        Assert.False(requirement.IsWeak);

        var image = (byte[])original.Clone();
        Assert.Equal(ElfWeakenOutcome.Patched, ElfVersionNeedPatcher.MarkWeak(image, "GLIBCXX_3.4.32", shim));

        var changed = Enumerable.Range(0, image.Length).Where(i => image[i] != original[i]).ToList();
        Assert.Equal([(int)requirement.FlagsOffset], changed);
        Assert.Equal(
            ElfVersionNeedPatcher.ReadRequirements(original, shim).Select(r => (r.FileName, r.VersionName)),
            ElfVersionNeedPatcher.ReadRequirements(image, shim).Select(r => (r.FileName, r.VersionName)));
    }
}

internal static class TorchSharpFiles
{
    /// <summary>The shim TorchNativeLibraries would patch, found by the same probing.</summary>
    public static string? FindShim() =>
        TorchNativeLibraries.DefaultProbeDirectories()
            .Select(d => Path.Combine(d, TorchNativeLibraries.ShimFileName))
            .FirstOrDefault(File.Exists);
}
