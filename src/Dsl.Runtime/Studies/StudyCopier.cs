using Dsl.Studies.Artifacts;
using Dsl.Studies.Relational;
using Dsl.Sweeps;

namespace Dsl.Studies;

/// <summary>What copying one study did: its name, how many trials it copied, and what became of their checkpoints.</summary>
/// <param name="Study">The study's name, the same in both stores.</param>
/// <param name="Trials">Trials copied, in every state.</param>
/// <param name="CheckpointsCopied">Checkpoints copied into the artifact folder, their trials pointing at the copies.</param>
/// <param name="CheckpointsMissing">Checkpoints a trial named that were not there to copy; their trials keep the old path.</param>
public sealed record StudyCopy(string Study, int Trials, int CheckpointsCopied, int CheckpointsMissing);

/// <summary>
/// Copies studies from one store to another, such as a SQLite file to a PostgreSQL server that workers on several
/// machines share, and back: every trial with its number, state, times, worker, retry link, parameters as stored,
/// intermediate values and attributes, and the study's own attributes, written into the target in one transaction.
/// </summary>
/// <remarks>
/// Works between relational stores (SQLite, PostgreSQL). A trial's checkpoint is a file its <c>checkpoint</c> attribute
/// names; given an artifact folder, the copy takes the files along and points its trials at them, else the copy keeps
/// the paths, which then must be reachable wherever the copy is used.
/// </remarks>
public static class StudyCopier
{
    /// <summary>
    /// Copies <paramref name="study"/>, or every study when it is null, from <paramref name="from"/> to <paramref name="to"/>.
    /// With <paramref name="artifactFolder"/>, each study's checkpoints go to <c>&lt;folder&gt;/&lt;study&gt;/&lt;number&gt;/</c>,
    /// so that studies copied into one folder keep apart. <paramref name="copied"/> hears of each study once it is copied.
    /// </summary>
    /// <exception cref="StudyStorageException">
    /// A store is not relational, a study is missing, or the target already has a study of a copied name (checked for
    /// every study before any is copied).
    /// </exception>
    public static async Task<IReadOnlyList<StudyCopy>> CopyAsync(
        IStudyStorage from, IStudyStorage to, string? study = null, string? artifactFolder = null, Action<StudyCopy>? copied = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var source = Relational(from, "from");
        var target = Relational(to, "to");
        var names = study is not null ? [study] : (await from.GetStudiesAsync(cancellationToken)).Select(s => s.Name).ToList();
        if (names.Count == 0)
            throw new StudyStorageException($"'{from.Location}' holds no study to copy.");
        // Checked up front, so that a clash on the third study does not leave the first two copied.
        var existing = (await to.GetStudiesAsync(cancellationToken)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (names.FirstOrDefault(existing.Contains) is { } clash)
            throw new StudyStorageException(
                $"'{to.Location}' already has a study named '{clash}'; nothing was copied. Copy into another store or delete that study first.");

        var folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var copies = new List<StudyCopy>();
        foreach (var name in names)
        {
            var snapshot = await source.ExportStudyAsync(name, cancellationToken);
            var (moved, checkpoints, missing) = artifactFolder is null
                ? (snapshot, 0, 0)
                : CopyCheckpoints(snapshot, new FolderArtifactStore(Path.Combine(artifactFolder, StudyFolder(name, folders))));
            await target.ImportStudyAsync(moved, cancellationToken);
            var copy = new StudyCopy(name, snapshot.Trials.Count, checkpoints, missing);
            copies.Add(copy);
            copied?.Invoke(copy);
        }
        return copies;
    }

    /// <summary>A folder name for <paramref name="study"/> that is safe on every file system and not yet in <paramref name="taken"/>.</summary>
    internal static string StudyFolder(string study, ISet<string> taken)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat("<>:\"/\\|?*").ToHashSet();
        var safe = new string(study.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim().TrimEnd('.');
        if (safe.Length == 0 || safe is "." or "..") safe = "_";
        var name = safe;
        // Two names that differ only in unsafe characters (or case, on Windows and macOS) must not share a folder.
        for (var n = 2; !taken.Add(name); n++)
            name = $"{safe}-{n}";
        return name;
    }

    private static RelationalStudyStorage Relational(IStudyStorage store, string role) =>
        store as RelationalStudyStorage ?? throw new StudyStorageException(
            $"Studies are copied between SQLite and PostgreSQL stores, but the '{role}' store is {store.Location}.");

    /// <summary>Copies each trial's checkpoint (and its companions, such as the <c>.json</c> sidecar) into <paramref name="artifacts"/>.</summary>
    private static (StudySnapshot Snapshot, int Copied, int Missing) CopyCheckpoints(StudySnapshot snapshot, FolderArtifactStore artifacts)
    {
        var copied = 0;
        var missing = 0;
        var trials = new List<TrialSnapshot>(snapshot.Trials.Count);
        foreach (var trial in snapshot.Trials)
        {
            if (!trial.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) || !File.Exists(path))
            {
                if (path is not null) missing++;
                trials.Add(trial);
                continue;
            }
            var full = Path.GetFullPath(path);
            var name = Path.GetFileName(full);
            copied++;
            // Already where the copy would go (the folder is the sweep's own): a save would delete it before copying it.
            if (string.Equals(artifacts.PathOf(trial.Number, name), full, StringComparison.Ordinal))
            {
                trials.Add(trial);
                continue;
            }
            var saved = artifacts.Save(trial.Number, name, destination =>
            {
                CopyIntoPlace(full, destination);
                // Matched by hand: the search pattern "model.pt.*" would match model.pt itself.
                foreach (var companion in Directory.EnumerateFiles(Path.GetDirectoryName(full)!))
                    if (companion.StartsWith(full + ".", StringComparison.Ordinal))
                        CopyIntoPlace(companion, destination + companion[full.Length..]);
            });
            trials.Add(trial with
            {
                Attributes = new SortedDictionary<string, string>(trial.Attributes.ToDictionary(), StringComparer.Ordinal) { [SweepAttributeKeys.Checkpoint] = saved },
            });
        }
        return (snapshot with { Trials = trials }, copied, missing);
    }

    /// <summary>Copies aside and moves into place, so that an interrupted copy never leaves half a checkpoint under its real name.</summary>
    private static void CopyIntoPlace(string source, string destination)
    {
        var temp = destination + ".copying-" + Environment.ProcessId;
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, destination, overwrite: true);
    }
}
