using System.Runtime.InteropServices;

namespace Dsl.Native;

/// <summary>
/// Caps oneDNN (libtorch's CPU convolution backend) at AVX2 unless the user chose an ISA.
/// </summary>
/// <remarks>
/// On this project's AVX-512 machines, oneDNN's AVX-512 convolution kernels in libtorch 2.10 returned NaN for a few
/// percent of calls with clean inputs and weights, which made sweep trials "diverge" at random. Capping the ISA removed
/// every NaN in thousands of calls. oneDNN reads <c>ONEDNN_MAX_CPU_ISA</c> with getenv at its first primitive, so it must
/// be set in the native environment (Environment.SetEnvironmentVariable does not reach getenv on Unix) before the first
/// convolution; an explicit setting wins.
/// </remarks>
internal static class OneDnnCpuIsa
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";
    public const string Cap = "AVX2";

    public static void CapUnlessChosen()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        _ = setenv(Variable, Cap, overwrite: 0);
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
