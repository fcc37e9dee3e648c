namespace Dsl.Studies.Artifacts;

/// <summary>Keeps the files that belong to a study's trials, such as their checkpoints, each under the trial's number and a name.</summary>
/// <remarks>
/// A trial records the path <see cref="Save"/> returns (a sweep's <c>checkpoint</c> attribute), so that fusion, reports
/// and a dashboard load a trial's own weights without knowing the layout. Calls may come from several threads at once.
/// </remarks>
public interface IArtifactStore
{
    /// <summary>Where the artifacts live, in words for people.</summary>
    string Location { get; }

    /// <summary>
    /// Saves artifact <paramref name="name"/> of trial <paramref name="trial"/>, replacing an earlier one. <paramref name="write"/>
    /// writes the files to the local path it is given: the main file at that path, and any companions beside it named
    /// with that path as a prefix (as a checkpoint's <c>.json</c> sidecar is). Returns the path to record on the trial.
    /// </summary>
    string Save(int trial, string name, Action<string> write);

    /// <summary>Deletes artifact <paramref name="name"/> of trial <paramref name="trial"/> and its companions; deleting one that is not there does nothing.</summary>
    void Delete(int trial, string name);
}
