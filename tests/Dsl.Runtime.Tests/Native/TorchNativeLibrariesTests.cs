using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Dsl.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Native;

public class TorchNativeLibrariesTests
{
    private static readonly string[] LibtorchNames = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    [Fact]
    public void When_libstdcxx_has_the_version_nothing_is_read_or_written()
    {
        using var cache = new TempDirectory();
        var shim = TorchSharpFiles.FindShim();
        var hashBefore = shim is null ? null : SHA256.HashData(File.ReadAllBytes(shim));

        // Directories that do not exist prove the decision is made before any probing.
        var plan = TorchNativeLibraries.PlanFix(
            () => LibstdcxxProbe.HasRequiredVersion,
            [Path.Combine(cache.Path, "does-not-exist")]);

        Assert.Equal(TorchNativeFixOutcome.NotNeeded, plan.Outcome);
        Assert.Contains("GLIBCXX_3.4.32", plan.Detail);
        Assert.Null(plan.PatchedImage);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache.Path));
        if (shim is not null)
        {
            Assert.Equal(hashBefore, SHA256.HashData(File.ReadAllBytes(shim)));
        }
    }

    [Fact]
    public void When_libstdcxx_cannot_be_loaded_nothing_is_patched()
    {
        var plan = TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.NotLoadable, []);

        Assert.Equal(TorchNativeFixOutcome.NotNeeded, plan.Outcome);
    }

    [Fact]
    public void A_shim_that_does_not_need_the_version_is_left_alone()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("libLibTorchSharp.so"), new SyntheticElf().Needs("libc.so.6", ("GLIBC_2.34", 0)).Build());

        var plan = TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [dir.Path]);

        Assert.Equal(TorchNativeFixOutcome.NotNeeded, plan.Outcome);
        Assert.Contains("does not require", plan.Detail);
    }

    [Fact]
    public void A_shim_already_marked_weak_is_left_alone()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("libLibTorchSharp.so"), SyntheticElf.LikeTorchSharpShim(SyntheticElf.Weak).Build());

        var plan = TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [dir.Path]);

        Assert.Equal(TorchNativeFixOutcome.NotNeeded, plan.Outcome);
        Assert.Contains("already", plan.Detail);
    }

    [Fact]
    public void A_missing_shim_fails_with_every_searched_directory_in_the_message()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();

        var error = Assert.Throws<TorchNativeFixException>(
            () => TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [a.Path, b.Path]));

        Assert.Contains("libLibTorchSharp.so", error.Message);
        Assert.Contains(a.Path, error.Message);
        Assert.Contains(b.Path, error.Message);
    }

    [Fact]
    public void A_missing_libtorch_fails_with_a_message_naming_it()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("libLibTorchSharp.so"), SyntheticElf.LikeTorchSharpShim().Build());

        var error = Assert.Throws<TorchNativeFixException>(
            () => TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [dir.Path]));

        Assert.Contains("libtorch_cpu.so", error.Message);
        Assert.Contains(dir.Path, error.Message);
    }

    [Fact]
    public void A_corrupt_shim_fails_with_a_message_naming_the_file()
    {
        using var dir = new TempDirectory();
        var shim = dir.File("libLibTorchSharp.so");
        File.WriteAllText(shim, "this is not an ELF file at all, just some text long enough for the header to be read");

        var error = Assert.Throws<TorchNativeFixException>(
            () => TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [dir.Path]));

        Assert.Contains(shim, error.Message);
        Assert.Contains("ELF magic", error.Message);
    }

    [Fact]
    public void The_plan_prefers_the_first_directory_that_holds_all_of_libtorch()
    {
        using var shimOnly = new TempDirectory();
        using var partial = new TempDirectory();
        using var full = new TempDirectory();
        File.WriteAllBytes(shimOnly.File("libLibTorchSharp.so"), SyntheticElf.LikeTorchSharpShim().Build());
        File.WriteAllBytes(partial.File("libtorch.so"), []);
        foreach (var name in LibtorchNames)
        {
            File.WriteAllBytes(full.File(name), []);
        }

        var plan = TorchNativeLibraries.PlanFix(
            () => LibstdcxxProbe.LacksRequiredVersion,
            [shimOnly.Path, partial.Path, full.Path]);

        Assert.Equal(TorchNativeFixOutcome.Patched, plan.Outcome);
        Assert.Equal(shimOnly.File("libLibTorchSharp.so"), plan.OriginalShim);
        Assert.Equal(full.Path, plan.LibtorchDirectory);
        Assert.Equal(16, plan.CacheKey!.Length);
    }

    [Fact]
    public void The_copy_is_written_once_then_reused_and_the_original_is_untouched()
    {
        using var dir = new TempDirectory();
        using var cache = new TempDirectory();
        var shim = dir.File("libLibTorchSharp.so");
        var original = SyntheticElf.LikeTorchSharpShim().Build();
        File.WriteAllBytes(shim, original);
        foreach (var name in LibtorchNames)
        {
            File.WriteAllBytes(dir.File(name), []);
        }

        var plan = TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [dir.Path]);
        var (firstPath, firstReused) = TorchNativeLibraries.MaterializeCopy(plan, cache.Path);
        var firstWrite = File.GetLastWriteTimeUtc(firstPath);
        var (secondPath, secondReused) = TorchNativeLibraries.MaterializeCopy(plan, cache.Path);

        Assert.False(firstReused);
        Assert.True(secondReused);
        Assert.Equal(firstPath, secondPath);
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(secondPath));
        Assert.Equal(Path.Combine(cache.Path, plan.CacheKey!, "libLibTorchSharp.so"), firstPath);
        Assert.Equal(original, File.ReadAllBytes(shim));
        Assert.True(ElfVersionNeedPatcher.ReadRequirements(firstPath).Single(r => r.VersionName == "GLIBCXX_3.4.32").IsWeak);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(firstPath)!));
    }

    [Fact]
    public void A_damaged_cached_copy_is_replaced()
    {
        using var dir = new TempDirectory();
        using var cache = new TempDirectory();
        File.WriteAllBytes(dir.File("libLibTorchSharp.so"), SyntheticElf.LikeTorchSharpShim().Build());
        foreach (var name in LibtorchNames)
        {
            File.WriteAllBytes(dir.File(name), []);
        }

        var plan = TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [dir.Path]);
        var (path, _) = TorchNativeLibraries.MaterializeCopy(plan, cache.Path);
        File.WriteAllBytes(path, plan.PatchedImage![..100]);

        var (again, reused) = TorchNativeLibraries.MaterializeCopy(plan, cache.Path);

        Assert.False(reused);
        Assert.Equal(plan.PatchedImage, File.ReadAllBytes(again));
    }

    [Fact]
    public async Task Concurrent_writers_all_end_with_one_valid_copy()
    {
        using var dir = new TempDirectory();
        using var cache = new TempDirectory();
        File.WriteAllBytes(dir.File("libLibTorchSharp.so"), SyntheticElf.LikeTorchSharpShim().Build());
        foreach (var name in LibtorchNames)
        {
            File.WriteAllBytes(dir.File(name), []);
        }

        var plan = TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, [dir.Path]);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => TorchNativeLibraries.MaterializeCopy(plan, cache.Path))));

        Assert.Single(results.Select(r => r.Path).Distinct());
        Assert.Equal(plan.PatchedImage, File.ReadAllBytes(results[0].Path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(results[0].Path)!));
    }

    [Fact]
    public void The_real_shim_plan_patches_exactly_one_byte()
    {
        var shim = TorchSharpFiles.FindShim();
        if (shim is null)
        {
            return;
        }

        var plan = TorchNativeLibraries.PlanFix(() => LibstdcxxProbe.LacksRequiredVersion, TorchNativeLibraries.DefaultProbeDirectories());

        var original = File.ReadAllBytes(shim);
        Assert.Equal(TorchNativeFixOutcome.Patched, plan.Outcome);
        Assert.Equal(shim, plan.OriginalShim);
        Assert.Equal(original.Length, plan.PatchedImage!.Length);
        Assert.Equal(1, Enumerable.Range(0, original.Length).Count(i => original[i] != plan.PatchedImage[i]));
    }

    [Fact]
    public void The_libstdcxx_probe_agrees_with_the_marker_symbol()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var handle = NativeLibrary.Load("libstdc++.so.6");
        var hasMarker = NativeLibrary.TryGetExport(handle, TorchNativeLibraries.MarkerSymbol, out _);

        var expected = hasMarker ? LibstdcxxProbe.HasRequiredVersion : LibstdcxxProbe.LacksRequiredVersion;
        Assert.Equal(expected, TorchNativeLibraries.ProbeSystemLibstdcxx());
    }

    [Fact]
    public void After_EnsureLoadable_torch_computes_and_trains()
    {
        TorchNativeLibraries.EnsureLoadable();
        TorchNativeLibraries.EnsureLoadable();

        var status = TorchNativeLibraries.Status;
        Assert.NotEqual(TorchNativeFixOutcome.Failed, status.Outcome);
        Assert.NotEqual(TorchNativeFixOutcome.NotRun, status.Outcome);
        if (OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
            && TorchNativeLibraries.ProbeSystemLibstdcxx() == LibstdcxxProbe.LacksRequiredVersion)
        {
            Assert.Contains(status.Outcome, new[] { TorchNativeFixOutcome.Patched, TorchNativeFixOutcome.AlreadyPatched });
            Assert.True(File.Exists(status.PatchedLibraryPath));
        }

        Assert.Equal(3f, ones(3).sum().item<float>());

        if (status.PatchedLibraryPath is not null)
        {
            // One shim, the copy, and one libtorch: a second libtorch_cpu would register every operator twice.
            var mapped = File.ReadAllLines("/proc/self/maps")
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length >= 6)
                .Select(fields => string.Join(' ', fields[5..]))
                .Distinct()
                .ToList();
            Assert.Equal([status.PatchedLibraryPath], mapped.Where(p => Path.GetFileName(p) == "libLibTorchSharp.so"));
            Assert.Single(mapped, p => Path.GetFileName(p) == "libtorch_cpu.so");
        }

        manual_seed(7);
        var model = nn.Linear(4, 3);
        var optimizer = optim.Adam(model.parameters(), lr: 0.05);
        var inputs = randn(32, 4);
        var targets = inputs.argmax(1).remainder(3);

        var losses = new List<float>();
        for (var step = 0; step < 20; step++)
        {
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(inputs), targets);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        Assert.All(losses, l => Assert.True(float.IsFinite(l), $"loss {l} is not finite"));
        Assert.True(losses[^1] < losses[0], $"loss went from {losses[0]} to {losses[^1]}");
    }
}
