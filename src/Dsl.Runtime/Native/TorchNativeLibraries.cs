using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;

namespace Dsl.Native;

/// <summary>What <see cref="TorchNativeLibraries.EnsureLoadable"/> did to make TorchSharp's native shim loadable.</summary>
public enum TorchNativeFixOutcome
{
    /// <summary>EnsureLoadable has not run in this process yet.</summary>
    NotRun,

    /// <summary>Nothing was changed: not Linux x64, or the shim already loads with this system's libstdc++.</summary>
    NotNeeded,

    /// <summary>A patched copy written by an earlier run was found in the cache, verified and loaded.</summary>
    AlreadyPatched,

    /// <summary>A patched copy was written to the cache by this process and loaded.</summary>
    Patched,

    /// <summary>The fix was needed but could not be applied; the detail says what was tried and where.</summary>
    Failed,

    /// <summary>The application turned the fix off (<see cref="NativeSetupSwitches.PatchLibStdCxx"/>); nothing was checked or changed.</summary>
    Disabled,
}

/// <summary>The result of <see cref="TorchNativeLibraries.EnsureLoadable"/>, for logs and tests.</summary>
/// <param name="Outcome">What was done.</param>
/// <param name="Detail">A one-paragraph, human-readable account of what was checked, tried and loaded.</param>
/// <param name="PatchedLibraryPath">Full path of the patched <c>libLibTorchSharp.so</c> in use, when there is one.</param>
public sealed record TorchNativeFixStatus(TorchNativeFixOutcome Outcome, string Detail, string? PatchedLibraryPath = null);

/// <summary>
/// Makes TorchSharp's native shim load on Linux systems whose libstdc++ predates GCC 13.2 (Debian 12, Ubuntu 22.04).
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> requires the version <c>GLIBCXX_3.4.32</c> only for
/// <c>std::ios_base_library_init()</c>, a marker symbol GCC 13 headers reference and nothing calls. When the
/// process's libstdc++ lacks that version, a copy of the shim with the requirement marked weak is written to a
/// per-user cache and TorchSharp's imports of <c>LibTorchSharp</c> are pointed at it. Everywhere else this does nothing.
/// </remarks>
public static class TorchNativeLibraries
{
    /// <summary>The version the shim needs that older libstdc++ builds do not define.</summary>
    internal const string RequiredVersion = "GLIBCXX_3.4.32";

    /// <summary>GCC's gnu.ver puts this symbol, and only it and one basic_string helper, in GLIBCXX_3.4.32.</summary>
    internal const string MarkerSymbol = "_ZSt21ios_base_library_initv";

    internal const string ShimFileName = "libLibTorchSharp.so";

    /// <summary>Dependency order: libtorch_cpu needs libc10, libtorch needs libtorch_cpu.</summary>
    internal static readonly IReadOnlyList<string> LibtorchLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    private static readonly string[] ShimImportNames = ["LibTorchSharp", "libLibTorchSharp", ShimFileName];

    private static readonly Lock Gate = new();
    private static TorchNativeFixStatus? completed;
    private static IntPtr shimHandle;
    private static string? failureMessage;
    private static string? hookDescription;

    /// <summary>What the first call of <see cref="EnsureLoadable"/> did; <see cref="TorchNativeFixOutcome.NotRun"/> before it.</summary>
    public static TorchNativeFixStatus Status =>
        Volatile.Read(ref completed) ?? new TorchNativeFixStatus(TorchNativeFixOutcome.NotRun, "EnsureLoadable has not run in this process.");

    /// <summary>Makes TorchSharp's native library loadable; call before the first torch call. Idempotent and thread-safe.</summary>
    /// <exception cref="DllNotFoundException">The fix was needed and could not be applied; the message says what was tried.</exception>
    public static void EnsureLoadable()
    {
        var status = Volatile.Read(ref completed);
        if (status is null)
        {
            lock (Gate)
            {
                status = completed;
                if (status is null)
                {
                    status = Apply();
                    Volatile.Write(ref completed, status);
                }
            }
        }

        if (status.Outcome == TorchNativeFixOutcome.Failed)
        {
            throw new DllNotFoundException(status.Detail);
        }
    }

    private static TorchNativeFixStatus Apply()
    {
        if (NativeSetupSwitches.CapOneDnnIsa) OneDnnCpuIsa.CapUnlessChosen();
        if (!NativeSetupSwitches.PatchLibStdCxx)
        {
            return new TorchNativeFixStatus(
                TorchNativeFixOutcome.Disabled,
                $"Turned off by {NativeSetupSwitches.PatchLibStdCxxVariable} or the {NativeSetupSwitches.PatchLibStdCxxSwitch} switch; TorchSharp loads its shim unchanged.");
        }

        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return new TorchNativeFixStatus(
                TorchNativeFixOutcome.NotNeeded,
                $"Nothing to do on {RuntimeInformation.RuntimeIdentifier}: only the linux-x64 shim requires {RequiredVersion}.");
        }

        try
        {
            var plan = PlanFix(ProbeSystemLibstdcxx, DefaultProbeDirectories());
            if (plan.Outcome == TorchNativeFixOutcome.NotNeeded)
            {
                return new TorchNativeFixStatus(TorchNativeFixOutcome.NotNeeded, plan.Detail);
            }

            return LoadPatchedCopy(plan, DefaultCacheRoots());
        }
        catch (Exception ex)
        {
            var message = ex is TorchNativeFixException
                ? ex.Message
                : $"Could not make TorchSharp's native library loadable: {ex.GetType().Name}: {Clause(ex.Message)}.";

            // Without this the first torch call reports a missing libtorch package, which sends users the wrong way.
            failureMessage = message;
            try
            {
                RegisterShimResolver();
            }
            catch (Exception)
            {
                // TorchSharp.dll itself is unusable then; the message is still kept for EnsureLoadable callers.
            }

            return new TorchNativeFixStatus(TorchNativeFixOutcome.Failed, message);
        }
    }

    /// <summary>Decides whether the shim needs patching and, if so, prepares the patched bytes. Writes nothing.</summary>
    /// <param name="probeLibstdcxx">Reports what the process's libstdc++ provides; tests force it.</param>
    /// <param name="probeDirectories">Where to look for the shim and libtorch, in the runtime's own probing order.</param>
    internal static TorchNativeFixPlan PlanFix(Func<LibstdcxxProbe> probeLibstdcxx, IReadOnlyList<string> probeDirectories)
    {
        switch (probeLibstdcxx())
        {
            case LibstdcxxProbe.HasRequiredVersion:
                return TorchNativeFixPlan.NotNeeded(
                    $"The process's libstdc++.so.6 exports {MarkerSymbol}, so it defines {RequiredVersion}; TorchSharp's shim loads unchanged.");
            case LibstdcxxProbe.NotLoadable:
                return TorchNativeFixPlan.NotNeeded(
                    $"libstdc++.so.6 could not be loaded, so patching the {RequiredVersion} requirement cannot help; TorchSharp will report the load failure itself.");
        }

        var shim = FindFile(ShimFileName, probeDirectories)
            ?? throw new TorchNativeFixException(
                $"This system's libstdc++.so.6 lacks {RequiredVersion}, which TorchSharp's {ShimFileName} requires, and {ShimFileName} " +
                $"to patch was not found. Searched: {DescribeDirectories(probeDirectories)}. Is the TorchSharp package referenced?");

        byte[] original;
        IReadOnlyList<ElfVersionRequirement> requirements;
        try
        {
            original = File.ReadAllBytes(shim);
            requirements = ElfVersionNeedPatcher.ReadRequirements(original, shim);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new TorchNativeFixException(
                $"This system's libstdc++.so.6 lacks {RequiredVersion}, so {shim} must be patched, but it could not be read: {Clause(ex.Message)}.");
        }

        var needed = requirements.Where(r => r.VersionName == RequiredVersion).ToList();
        if (needed.Count == 0)
        {
            return TorchNativeFixPlan.NotNeeded($"{shim} does not require {RequiredVersion}; nothing to patch.");
        }

        if (needed.All(r => r.IsWeak))
        {
            return TorchNativeFixPlan.NotNeeded($"{shim} already marks {RequiredVersion} weak; it loads unchanged.");
        }

        var libtorchDirectory = FindDirectoryWithAll(LibtorchLibraries, probeDirectories)
            ?? throw new TorchNativeFixException(
                $"{shim} needs a patched copy, which must preload libtorch, but no directory holds all of " +
                $"{string.Join(", ", LibtorchLibraries)}. Searched: {DescribeDirectories(probeDirectories)}. " +
                "Is the libtorch-cpu-linux-x64 package referenced?");

        var patched = (byte[])original.Clone();
        ElfVersionNeedPatcher.MarkWeak(patched, RequiredVersion, shim);
        var cacheKey = Convert.ToHexStringLower(SHA256.HashData(original))[..16];
        return new TorchNativeFixPlan(TorchNativeFixOutcome.Patched, "patch needed", shim, libtorchDirectory, patched, cacheKey);
    }

    /// <summary>Puts the plan's patched bytes at <c>cacheRoot/key/libLibTorchSharp.so</c>, re-using an identical file.</summary>
    /// <returns>The copy's path and whether an existing, byte-identical copy was re-used.</returns>
    internal static (string Path, bool Reused) MaterializeCopy(TorchNativeFixPlan plan, string cacheRoot)
    {
        if (plan.PatchedImage is null || plan.CacheKey is null)
        {
            throw new InvalidOperationException("The plan has nothing to materialize.");
        }

        var directory = Path.Combine(cacheRoot, plan.CacheKey);
        CreatePrivateDirectory(directory);
        var path = Path.Combine(directory, ShimFileName);

        // Full comparison, not just existence: a torn or tampered file must never reach dlopen.
        if (HasContent(path, plan.PatchedImage))
        {
            return (path, true);
        }

        AtomicFile.Write(path, plan.PatchedImage);
        return (path, false);
    }

    private static TorchNativeFixStatus LoadPatchedCopy(TorchNativeFixPlan plan, IReadOnlyList<string> cacheRoots)
    {
        // The copy lives away from libtorch, so its $ORIGIN RUNPATH finds nothing; glibc instead matches the copy's
        // NEEDED entries by soname against libraries already loaded.
        foreach (var library in LibtorchLibraries)
        {
            var path = Path.Combine(plan.LibtorchDirectory!, library);
            try
            {
                NativeLibrary.Load(path);
            }
            catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
            {
                throw new TorchNativeFixException(
                    $"{plan.OriginalShim} needs a patched copy because this system's libstdc++.so.6 lacks {RequiredVersion}, " +
                    $"but preloading {path} failed: {Clause(ex.Message)}.");
            }
        }

        var attempts = new List<string>();
        foreach (var root in cacheRoots)
        {
            string copy;
            bool reused;
            try
            {
                (copy, reused) = MaterializeCopy(plan, root);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                attempts.Add($"could not write under {root}: {Clause(ex.Message)}");
                continue;
            }

            IntPtr handle;
            try
            {
                handle = NativeLibrary.Load(copy);
            }
            catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
            {
                // A noexec mount is the usual cause; the next cache root may be on another file system.
                attempts.Add($"wrote {copy} but could not load it: {Clause(ex.Message)}");
                continue;
            }

            shimHandle = handle;
            var hook = RegisterShimResolver();
            var action = reused ? "Re-used the patched copy" : "Wrote a patched copy";
            return new TorchNativeFixStatus(
                reused ? TorchNativeFixOutcome.AlreadyPatched : TorchNativeFixOutcome.Patched,
                $"This system's libstdc++.so.6 lacks {RequiredVersion}. {action} {copy} of {plan.OriginalShim} with that " +
                $"requirement marked weak, preloaded libtorch from {plan.LibtorchDirectory}, and pointed TorchSharp's " +
                $"LibTorchSharp imports at the copy through {hook}.",
                copy);
        }

        throw new TorchNativeFixException(
            $"This system's libstdc++.so.6 lacks {RequiredVersion}, which {plan.OriginalShim} requires, and no patched copy " +
            $"could be put in place: {string.Join("; ", attempts)}.");
    }

    /// <summary>Answers from the libstdc++ the process really uses, which may not be the system's default one.</summary>
    internal static LibstdcxxProbe ProbeSystemLibstdcxx()
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out var handle))
        {
            return LibstdcxxProbe.NotLoadable;
        }

        try
        {
            return NativeLibrary.TryGetExport(handle, MarkerSymbol, out _)
                ? LibstdcxxProbe.HasRequiredVersion
                : LibstdcxxProbe.LacksRequiredVersion;
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    /// <summary>The directories the runtime probes for TorchSharp's imports, in its order, then the app's own.</summary>
    internal static IReadOnlyList<string> DefaultProbeDirectories()
    {
        var directories = new List<string>();

        // The runtime tries these before the assembly's directory, so libtorch found here is the one TorchSharp's
        // own "torch_cpu" preload gets; loading a second copy from elsewhere would register torch operators twice.
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            directories.AddRange(searchDirectories.Split(
                Path.PathSeparator,
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var baseDirectory = AppContext.BaseDirectory;
        directories.Add(baseDirectory);
        directories.Add(Path.Combine(baseDirectory, "runtimes", "linux-x64", "native"));

        var torchSharpDirectory = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharpDirectory))
        {
            directories.Add(torchSharpDirectory);
        }

        return directories
            .Where(Path.IsPathRooted)
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Per-user cache first (XDG base-directory rules), then a per-user folder under the temp directory.</summary>
    internal static IReadOnlyList<string> DefaultCacheRoots()
    {
        var roots = new List<string>();
        var xdgCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdgCache) && Path.IsPathRooted(xdgCache))
        {
            roots.Add(Path.Combine(xdgCache, "dsl", "torchsharp-native"));
        }
        else
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (!string.IsNullOrEmpty(home))
            {
                roots.Add(Path.Combine(home, ".cache", "dsl", "torchsharp-native"));
            }
        }

        roots.Add(Path.Combine(Path.GetTempPath(), $"dsl-{Environment.UserName}", "torchsharp-native"));
        return roots;
    }

    private static string RegisterShimResolver()
    {
        if (hookDescription is not null)
        {
            return hookDescription;
        }

        var torchSharp = typeof(TorchSharp.torch).Assembly;

        // TorchSharp's LoadNativeBackend calls NativeLibrary.TryLoad(name, assembly, ...), which never consults
        // DllImport resolvers but does raise this event once the runtime's own probing has failed. In practice that
        // probing already succeeds: its last step, dlopen("libLibTorchSharp.so"), matches the loaded copy's SONAME.
        var context = AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += (assembly, name) =>
            assembly == torchSharp ? ResolveShim(name, assembly, null) : IntPtr.Zero;

        try
        {
            // Sends TorchSharp's [DllImport("LibTorchSharp")] calls straight to the copy, without first failing on the original.
            NativeLibrary.SetDllImportResolver(torchSharp, ResolveShim);
            hookDescription = "a DllImport resolver and the AssemblyLoadContext.ResolvingUnmanagedDll event";
        }
        catch (InvalidOperationException)
        {
            hookDescription = "the AssemblyLoadContext.ResolvingUnmanagedDll event (TorchSharp already had a DllImport resolver)";
        }

        return hookDescription;
    }

    private static IntPtr ResolveShim(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!ShimImportNames.Contains(libraryName, StringComparer.Ordinal))
        {
            return IntPtr.Zero;
        }

        if (shimHandle != IntPtr.Zero)
        {
            return shimHandle;
        }

        return failureMessage is null ? IntPtr.Zero : throw new DllNotFoundException(failureMessage);
    }

    private static string? FindFile(string fileName, IReadOnlyList<string> directories) =>
        directories.Select(d => Path.Combine(d, fileName)).FirstOrDefault(File.Exists);

    private static string? FindDirectoryWithAll(IReadOnlyList<string> fileNames, IReadOnlyList<string> directories) =>
        directories.FirstOrDefault(d => fileNames.All(f => File.Exists(Path.Combine(d, f))));

    /// <summary>Folds a runtime message (dlerror text is multi-line) into one clause of a longer sentence.</summary>
    private static string Clause(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    private static string DescribeDirectories(IReadOnlyList<string> directories) =>
        directories.Count == 0 ? "(no directories)" : string.Join(", ", directories);

    private static void CreatePrivateDirectory(string path)
    {
        // The cache may fall back to a shared temp directory, where other users must not plant a library for us.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static bool HasContent(string path, byte[] expected)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.Length == expected.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(expected);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>A failure whose message already says what was tried and where; shown to users as is.</summary>
internal sealed class TorchNativeFixException(string message) : Exception(message);

/// <summary>What the process's libstdc++ provides.</summary>
internal enum LibstdcxxProbe
{
    /// <summary>It defines GLIBCXX_3.4.32 (GCC 13.2 or newer).</summary>
    HasRequiredVersion,

    /// <summary>It loads but predates GLIBCXX_3.4.32.</summary>
    LacksRequiredVersion,

    /// <summary>No libstdc++.so.6 could be loaded at all.</summary>
    NotLoadable,
}

/// <summary>The decision <see cref="TorchNativeLibraries.PlanFix"/> made, with the bytes to write when a patch is needed.</summary>
internal sealed record TorchNativeFixPlan(
    TorchNativeFixOutcome Outcome,
    string Detail,
    string? OriginalShim = null,
    string? LibtorchDirectory = null,
    byte[]? PatchedImage = null,
    string? CacheKey = null)
{
    public static TorchNativeFixPlan NotNeeded(string detail) => new(TorchNativeFixOutcome.NotNeeded, detail);
}
