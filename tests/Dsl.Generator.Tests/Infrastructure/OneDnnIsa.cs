using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>
/// Caps oneDNN at AVX2 before libtorch first runs a convolution. On this project's AVX-512 machines, oneDNN's AVX-512
/// convolution kernels return NaN for a few percent of calls (clean inputs and weights; more often when the GC is busy),
/// which makes exact-equality tests flaky. Capping the ISA removed every NaN in thousands of calls. The variable must be
/// in the native environment (Environment.SetEnvironmentVariable does not reach getenv on Unix), and an explicit
/// setting wins.
/// </summary>
internal static class OneDnnIsa
{
    [ModuleInitializer]
    internal static void CapAtAvx2()
    {
        if (OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64)
            _ = setenv("ONEDNN_MAX_CPU_ISA", "AVX2", overwrite: 0);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv(string name, string value, int overwrite);
}
