using System.Runtime.InteropServices;
using Dsl.Native;

namespace Dsl.Runtime.Tests.Native;

public class OneDnnCpuIsaTests
{
    [Fact]
    public void LoadingTorchCapsOneDnnAtAvx2()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return; // only linux-x64 is capped
        TorchNativeLibraries.EnsureLoadable();
        // The native environment, which oneDNN reads, not the managed copy Environment.GetEnvironmentVariable may show.
        var value = Marshal.PtrToStringAnsi(getenv(OneDnnCpuIsa.Variable));
        Assert.Equal(OneDnnCpuIsa.Cap, value);
    }

    [DllImport("libc")]
    private static extern IntPtr getenv(string name);
}
