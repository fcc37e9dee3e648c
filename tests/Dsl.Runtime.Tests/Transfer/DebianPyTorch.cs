using System.Diagnostics;

namespace Dsl.Runtime.Tests.Transfer;

/// <summary>Runs Python scripts with Debian's python3-torch (at /usr/bin/python3, not a python3 earlier on PATH).</summary>
internal static class DebianPyTorch
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} does not exist; install python3-torch (.ci/run does).";
        var (code, output) = Run("import torch; print(torch.__version__)", Path.GetTempPath());
        return code == 0 ? null : $"{Python} cannot import torch; install python3-torch (.ci/run does): {output.Trim()}";
    });

    /// <summary>Why PyTorch cannot run here, or null when it can.</summary>
    public static string? WhyMissing => Missing.Value;

    /// <summary>Runs <paramref name="script"/> in <paramref name="directory"/>; returns the exit code and the output, stderr included.</summary>
    public static (int ExitCode, string Output) Run(string script, string directory)
    {
        var start = new ProcessStartInfo(Python) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        // One thread is plenty for these tiny models and keeps the shared machine free.
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}

/// <summary>A fact that is skipped, with the reason, where Debian's python3-torch is not installed.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute()
    {
        if (DebianPyTorch.WhyMissing is { } reason) Skip = reason;
    }
}
