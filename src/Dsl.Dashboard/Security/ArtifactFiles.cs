using Dsl.Search.Trials;
using Dsl.Sweeps;

namespace Dsl.Dashboard.Security;

/// <summary>
/// Resolves the files a study's trials point at, and refuses any that is not inside the study's own artifact folder
/// (<c>&lt;root&gt;/&lt;study&gt;</c>): a recorded path such as <c>../../etc/passwd</c>, an absolute path elsewhere, or a
/// symbolic link that leads out.
/// </summary>
/// <param name="root">The folder that holds each study's folder.</param>
/// <param name="fromCheckpoints">
/// Whether a study's root is rather the folder its trials' recorded checkpoints say: a sweep writes
/// <c>runs/&lt;study&gt;/trials/&lt;n&gt;/model.pt</c> relative to its own working directory, which need not be beside
/// the store. <paramref name="root"/> stays the fallback for a study whose trials record no such path.
/// </param>
internal sealed class ArtifactFiles(string root, bool fromCheckpoints = false)
{
    /// <summary>The folder that holds each study's folder, unless derived from the study's checkpoints.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The study's own folder under <see cref="Root"/>, or null when its name would put it outside (<c>..</c>, separators).</summary>
    public string? StudyFolder(string study)
    {
        if (!IsFolderName(study)) return null;
        var folder = Path.GetFullPath(Path.Combine(Root, study));
        return Inside(folder, Root) ? folder : null;
    }

    /// <summary>
    /// The study's own folder: with checkpoint derivation on, the <c>&lt;study&gt;</c> folder most of its trials'
    /// checkpoints sit in (as <c>&lt;study&gt;/trials/&lt;n&gt;/…</c>), else <see cref="StudyFolder(string)"/>.
    /// </summary>
    public string? StudyFolder(string study, IEnumerable<TrialRecord> trials)
    {
        if (!fromCheckpoints || !IsFolderName(study)) return StudyFolder(study);
        var derived = trials
            .Select(t => t.Attributes.GetValueOrDefault(SweepAttributeKeys.Checkpoint) is { } path ? RecordedStudyFolder(study, path) : null)
            .OfType<string>()
            .GroupBy(f => f, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .FirstOrDefault()?.Key;
        return derived ?? StudyFolder(study);
    }

    /// <summary>The existing file <paramref name="recorded"/> names (relative paths count from the current directory, as a sweep wrote them), or null when it is missing or outside the study's folder.</summary>
    public string? Resolve(string study, string? recorded) => ResolveIn(StudyFolder(study), recorded);

    /// <summary>As <see cref="Resolve(string, string?)"/>, in a study folder from <see cref="StudyFolder(string, IEnumerable{TrialRecord})"/> (null: nothing resolves).</summary>
    public static string? ResolveIn(string? folder, string? recorded)
    {
        if (string.IsNullOrWhiteSpace(recorded) || recorded.Contains('\0')) return null;
        if (folder is null) return null;
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

    private static bool IsFolderName(string study) =>
        study.Length != 0 && study is not ("." or "..") && study.IndexOfAny(['/', '\\', '\0']) < 0;

    /// <summary>The <c>&lt;study&gt;</c> folder of a checkpoint recorded at <c>&lt;study&gt;/trials/&lt;n&gt;/&lt;file&gt;</c>, or null for any other path.</summary>
    private static string? RecordedStudyFolder(string study, string recorded)
    {
        if (recorded.Contains('\0')) return null;
        try
        {
            var trialFolder = Path.GetDirectoryName(Path.GetFullPath(recorded));
            var trials = trialFolder is null ? null : Path.GetDirectoryName(trialFolder);
            if (trials is null || Path.GetFileName(trials) != "trials") return null;
            var folder = Path.GetDirectoryName(trials);
            return folder is not null && Path.GetFileName(folder) == study ? folder : null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
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
