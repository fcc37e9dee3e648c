namespace Dsl.Dashboard.Security;

/// <summary>
/// Resolves the files a study's trials point at, and refuses any that is not inside the study's own artifact folder
/// (<c>&lt;root&gt;/&lt;study&gt;</c>): a recorded path such as <c>../../etc/passwd</c>, an absolute path elsewhere, or a
/// symbolic link that leads out.
/// </summary>
internal sealed class ArtifactFiles(string root)
{
    /// <summary>The folder that holds each study's folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The study's own folder, or null when its name would put it outside <see cref="Root"/> (<c>..</c>, separators).</summary>
    public string? StudyFolder(string study)
    {
        if (study.Length == 0 || study is "." or ".." || study.IndexOfAny(['/', '\\', '\0']) >= 0) return null;
        var folder = Path.GetFullPath(Path.Combine(Root, study));
        return Inside(folder, Root) ? folder : null;
    }

    /// <summary>The existing file <paramref name="recorded"/> names (relative paths count from the current directory, as a sweep wrote them), or null when it is missing or outside the study's folder.</summary>
    public string? Resolve(string study, string? recorded)
    {
        if (string.IsNullOrWhiteSpace(recorded) || recorded.Contains('\0')) return null;
        if (StudyFolder(study) is not { } folder) return null;
        string path;
        try
        {
            path = Path.GetFullPath(recorded);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
        if (!Inside(path, folder) || !File.Exists(path)) return null;
        // A link inside the folder may point anywhere: judge where it leads, and every folder on the way.
        var real = RealPath(path);
        var realFolder = RealPath(folder) ?? folder;
        return real is not null && Inside(real, realFolder) ? real : null;
    }

    private static bool Inside(string path, string folder)
    {
        var prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>The path with every symbolic link on the way resolved.</summary>
    private static string? RealPath(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = Path.GetPathRoot(full) ?? "/";
            foreach (var part in parts)
            {
                current = Path.Combine(current, part);
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                    current = Path.GetFullPath(target.FullName);
            }
            return current;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
