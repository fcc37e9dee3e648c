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
/// names; given an artifact store, the copy takes the files along and points its trials at them, else the copy keeps
/// the paths, which then must be reachable wherever the copy is used.
/// </remarks>
public static class StudyCopier
{
    /// <summary>Copies <paramref name="study"/>, or every study when it is null, from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <exception cref="StudyStorageException">A store is not relational, the study is missing, or the target already has a study of that name.</exception>
    public static async Task<IReadOnlyList<StudyCopy>> CopyAsync(
        IStudyStorage from, IStudyStorage to, string? study = null, IArtifactStore? artifacts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var source = Relational(from, "from");
        var target = Relational(to, "to");
        var names = study is not null ? [study] : (await from.GetStudiesAsync(cancellationToken)).Select(s => s.Name).ToList();
        if (names.Count == 0)
            throw new StudyStorageException($"'{from.Location}' holds no study to copy.");

        var copies = new List<StudyCopy>();
        foreach (var name in names)
        {
            var snapshot = await source.ExportStudyAsync(name, cancellationToken);
            var (moved, copied, missing) = artifacts is null ? (snapshot, 0, 0) : CopyCheckpoints(snapshot, artifacts);
            await target.ImportStudyAsync(moved, cancellationToken);
            copies.Add(new StudyCopy(name, snapshot.Trials.Count, copied, missing));
        }
        return copies;
    }

    private static RelationalStudyStorage Relational(IStudyStorage store, string role) =>
        store as RelationalStudyStorage ?? throw new StudyStorageException(
            $"Studies are copied between SQLite and PostgreSQL stores, but the '{role}' store is {store.Location}.");

    /// <summary>Copies each trial's checkpoint (and its companions, such as the <c>.json</c> sidecar) into <paramref name="artifacts"/>.</summary>
    private static (StudySnapshot Snapshot, int Copied, int Missing) CopyCheckpoints(StudySnapshot snapshot, IArtifactStore artifacts)
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
            var saved = artifacts.Save(trial.Number, Path.GetFileName(full), destination =>
            {
                File.Copy(full, destination);
                // Matched by hand: the search pattern "model.pt.*" would match model.pt itself.
                foreach (var companion in Directory.EnumerateFiles(Path.GetDirectoryName(full)!))
                    if (companion.StartsWith(full + ".", StringComparison.Ordinal))
                        File.Copy(companion, destination + companion[full.Length..]);
            });
            copied++;
            trials.Add(trial with
            {
                Attributes = new SortedDictionary<string, string>(trial.Attributes.ToDictionary(), StringComparer.Ordinal) { [SweepAttributeKeys.Checkpoint] = saved },
            });
        }
        return (snapshot with { Trials = trials }, copied, missing);
    }
}
