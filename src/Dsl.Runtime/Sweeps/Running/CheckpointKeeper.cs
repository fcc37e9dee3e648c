using Dsl.Checkpoints;
using Dsl.Search.Trials;
using Dsl.Studies.Artifacts;
using Dsl.Studies;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps.Running;

/// <summary>
/// Where a sweep's checkpoints go and which stay: every kept trial's own weights in the artifact store, the top
/// <see cref="SweepOptions.KeepCheckpoints"/> complete trials kept (the best always), pruned trials only when asked for,
/// and <c>best.pt</c> a copy of the best trial's.
/// </summary>
/// <remarks>
/// A trial's <c>checkpoint</c> attribute always names its own weights: the attribute is cleared before the files go,
/// so a crash in between leaves a stray file for the next tidy-up, never an attribute that points at nothing.
/// </remarks>
internal sealed class CheckpointKeeper(IStudyStorage storage, string study, IArtifactStore artifacts, SweepOptions options, string bestPath, Action<string> warn)
{
    /// <summary>The name of a trial's checkpoint in the artifact store.</summary>
    public const string FileName = "model.pt";

    /// <summary>How many complete trials keep their checkpoints, best first; at least the best does.</summary>
    private int Slots => options.KeepCheckpoints is { } keep ? Math.Max(keep, 1) : int.MaxValue;

    /// <summary>Whether a complete trial with <paramref name="rank"/> trials above it keeps its checkpoint.</summary>
    public bool KeepsRank(int rank) => rank < Slots;

    /// <summary>Whether pruned trials keep their checkpoints.</summary>
    public bool KeepsPruned => options.KeepPrunedCheckpoints;

    /// <summary>Saves trial <paramref name="number"/>'s checkpoint through <paramref name="write"/>; null when it could not be written.</summary>
    public string? Save(int number, Action<string> write)
    {
        try
        {
            return artifacts.Save(number, FileName, write);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The trial's result is sound without its weights; say why they will not be found.
            warn($"Could not save the checkpoint of trial {number} in '{artifacts.Location}': {e.Message}");
            return null;
        }
    }

    /// <summary>Makes <c>best.pt</c> (and its sidecar) a copy of <paramref name="checkpoint"/>, each file moved into place whole.</summary>
    public void PublishBest(string checkpoint)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(bestPath)!);
            foreach (var (from, to) in new[] { (checkpoint, bestPath), (Checkpoint.MetadataPath(checkpoint), Checkpoint.MetadataPath(bestPath)) })
            {
                var temp = to + ".tmp-" + Environment.ProcessId;
                File.Copy(from, temp, overwrite: true);
                File.Move(temp, to, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warn($"Could not copy the best checkpoint '{checkpoint}' to '{bestPath}': {e.Message}");
        }
    }

    /// <summary>Whether <c>best.pt</c> already holds <paramref name="checkpoint"/>: the same sidecar (which names the epoch and its metrics) and weights of the same size.</summary>
    public bool IsPublished(string checkpoint)
    {
        try
        {
            return File.Exists(bestPath) && new FileInfo(bestPath).Length == new FileInfo(checkpoint).Length
                   && File.ReadAllText(Checkpoint.MetadataPath(bestPath)) == File.ReadAllText(Checkpoint.MetadataPath(checkpoint));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes the checkpoints retention no longer keeps, clearing each trial's attribute first; returns the trials
    /// changed. With <paramref name="tidy"/>, also deletes files no trial points at (left by a crash) of finished trials.
    /// </summary>
    public async Task<IReadOnlyList<TrialRecord>> DropSurplusAsync(IReadOnlyList<TrialRecord> trials, StudyDirection direction, bool tidy)
    {
        var kept = SweepText.Ranked(trials, direction).Take(Slots).Select(t => t.Number).ToHashSet();
        var changed = new List<TrialRecord>();
        foreach (var trial in trials)
        {
            if (!trial.IsFinished || kept.Contains(trial.Number) || (trial.State == TrialState.Pruned && KeepsPruned))
                continue;
            if (trial.Attributes.ContainsKey(SweepAttributeKeys.Checkpoint))
            {
                await storage.SetTrialAttributeAsync(study, trial.Number, SweepAttributeKeys.Checkpoint, null, CancellationToken.None);
                changed.Add(trial with { Attributes = Without(trial.Attributes, SweepAttributeKeys.Checkpoint) });
            }
            else if (!tidy)
            {
                continue;
            }
            Delete(trial.Number);
        }
        return changed;
    }

    /// <summary>
    /// Mends a study written before trials had checkpoints of their own, whose best trials all point at <c>best.pt</c>:
    /// the best trial gets a copy of <c>best.pt</c> as its own checkpoint, and the others, whose weights are gone, lose the attribute.
    /// </summary>
    public async Task<IReadOnlyList<TrialRecord>> AdoptSharedCheckpointAsync(IReadOnlyList<TrialRecord> trials, StudyDirection direction)
    {
        var best = TrialSelection.Best(trials, direction);
        var changed = new List<TrialRecord>();
        foreach (var trial in trials)
        {
            if (!trial.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) || !SamePath(path, bestPath))
                continue;
            string? own = null;
            if (trial.Number == best?.Number && File.Exists(bestPath))
                own = Save(trial.Number, target =>
                {
                    File.Copy(bestPath, target);
                    if (File.Exists(Checkpoint.MetadataPath(bestPath))) File.Copy(Checkpoint.MetadataPath(bestPath), Checkpoint.MetadataPath(target));
                });
            await storage.SetTrialAttributeAsync(study, trial.Number, SweepAttributeKeys.Checkpoint, own, CancellationToken.None);
            changed.Add(trial with
            {
                Attributes = own is null ? Without(trial.Attributes, SweepAttributeKeys.Checkpoint) : With(trial.Attributes, SweepAttributeKeys.Checkpoint, own),
            });
        }
        return changed;
    }

    private void Delete(int number)
    {
        try
        {
            artifacts.Delete(number, FileName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warn($"Could not delete the checkpoint of trial {number} in '{artifacts.Location}': {e.Message}");
        }
    }

    private static bool SamePath(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    private static Dictionary<string, string> Without(IReadOnlyDictionary<string, string> attributes, string key)
    {
        var copy = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        copy.Remove(key);
        return copy;
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> attributes, string key, string value) =>
        new(attributes, StringComparer.Ordinal) { [key] = value };
}
