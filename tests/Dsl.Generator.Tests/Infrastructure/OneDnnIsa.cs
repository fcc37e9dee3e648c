using System.Runtime.CompilerServices;

namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>
/// Prepares libtorch before any test touches it: these tests build hand-written TorchSharp modules before any Dsl.Runtime
/// type loads, so the runtime's own module initializer may come too late for its native fixes (see Dsl.Native).
/// </summary>
internal static class OneDnnIsa
{
    [ModuleInitializer]
    internal static void PrepareTorch() => Dsl.Native.TorchNativeLibraries.EnsureLoadable();
}
