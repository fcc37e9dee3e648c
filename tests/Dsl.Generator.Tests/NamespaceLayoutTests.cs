using System.Text.RegularExpressions;
using Dsl.Generator.Tests.Infrastructure;

namespace Dsl.Generator.Tests;

/// <summary>Every source file under src/ declares the namespace its folder names, so a reader can guess where a type lives.</summary>
public sealed partial class NamespaceLayoutTests
{
    /// <summary>A project's root namespace; a file in a subfolder adds the folder path.</summary>
    private static readonly Dictionary<string, string> RootNamespaces = new(StringComparer.Ordinal)
    {
        ["Dsl.Runtime"] = "Dsl",
        ["Dsl.Generator"] = "Dsl.Generator",
        ["Dsl.Reporting"] = "Dsl.Reporting",
        ["Dsl.CommandLine"] = "Dsl.CommandLine",
        ["Dsl.Datasets"] = "Dsl.Datasets",
        ["Dsl.ModelFusion"] = "Dsl.ModelFusion",
    };

    /// <summary>
    /// The one deliberate exception: the DSL's vocabulary ([Model], [Linear], [Hyperparameter], ...) lives in the root
    /// namespace, so a model file needs a single <c>using Dsl;</c>, while its files stay together in one folder.
    /// </summary>
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        ["Dsl.Runtime/Attributes"] = "Dsl",
    };

    [Fact]
    public void Every_source_file_declares_the_namespace_of_its_folder()
    {
        var source = Path.Combine(RepositoryPaths.Root, "src");
        var wrong = new List<string>();
        var files = 0;
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal)) continue;
            var project = relative[..relative.IndexOf('/', StringComparison.Ordinal)];
            if (!RootNamespaces.TryGetValue(project, out var root)) continue;
            var folder = Path.GetDirectoryName(relative)!.Replace('\\', '/');
            var expected = Exceptions.TryGetValue(folder, out var exception)
                ? exception
                : folder == project ? root : root + "." + folder[(project.Length + 1)..].Replace('/', '.');
            var declared = Namespace().Match(File.ReadAllText(file));
            // A file with no namespace has nothing to follow; a polyfill (IsExternalInit) must live in the framework's namespace.
            if (!declared.Success || declared.Groups[1].Value.StartsWith("System.", StringComparison.Ordinal)) continue;
            files++;
            if (declared.Groups[1].Value != expected) wrong.Add($"{relative}: namespace {declared.Groups[1].Value}, but its folder says {expected}");
        }
        Assert.True(files > 100, $"only {files} source files were found under {source}");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
