using System.Runtime.CompilerServices;

namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>Paths inside the repository, found from this file's location at compile time.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string DiagnosticDocs => Path.Combine(Root, "docs", "diagnostics");

    private static string FindRoot([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));
}
