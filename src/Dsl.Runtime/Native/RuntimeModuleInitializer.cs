using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Dsl.Native;

/// <summary>Runs the native-library fix as soon as Dsl.Runtime is loaded.</summary>
internal static class RuntimeModuleInitializer
{
    [ModuleInitializer]
    [SuppressMessage(
        "Usage",
        "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "TorchSharp loads its native shim on the first torch call, which may come from user code before any " +
                        "Dsl API is called; the fix must be in place before then, and this is the earliest hook a library has.")]
    internal static void Initialize()
    {
        try
        {
            TorchNativeLibraries.EnsureLoadable();
        }
        catch (DllNotFoundException)
        {
            // A throwing module initializer would make every Dsl type unusable behind a TypeInitializationException.
            // The failure is kept in TorchNativeLibraries.Status, thrown again by explicit EnsureLoadable calls, and
            // reported by the first torch call through the shim resolver.
        }
    }
}
