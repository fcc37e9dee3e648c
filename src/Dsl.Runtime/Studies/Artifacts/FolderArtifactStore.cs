using System.Globalization;

namespace Dsl.Studies.Artifacts;

/// <summary>Keeps trial artifacts in a folder, one subfolder per trial: <c>&lt;root&gt;/&lt;number&gt;/&lt;name&gt;</c>, such as <c>runs/fashion/trials/7/model.pt</c>.</summary>
public sealed class FolderArtifactStore : IArtifactStore
{
    /// <summary>A store in <paramref name="root"/>, created on the first save.</summary>
    public FolderArtifactStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The folder that holds one subfolder per trial.</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Location => Root;

    /// <summary>Where artifact <paramref name="name"/> of trial <paramref name="trial"/> is, or would be, saved.</summary>
    public string PathOf(int trial, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trial);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name != Path.GetFileName(name) || name is "." or "..")
            throw new ArgumentException($"An artifact name is a plain file name, but '{name}' is not.", nameof(name));
        return Path.Combine(TrialFolder(trial), name);
    }

    /// <inheritdoc />
    public string Save(int trial, string name, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var path = PathOf(trial, name);
        // Companions of an earlier save must not outlive it next to the new main file.
        Delete(trial, name);
        Directory.CreateDirectory(TrialFolder(trial));
        try
        {
            write(path);
        }
        catch
        {
            Delete(trial, name);
            throw;
        }
        return path;
    }

    /// <inheritdoc />
    public void Delete(int trial, string name)
    {
        var main = PathOf(trial, name);
        var folder = TrialFolder(trial);
        if (!Directory.Exists(folder))
            return;
        foreach (var file in Directory.EnumerateFiles(folder))
            if (file == main || file.StartsWith(main + ".", StringComparison.Ordinal))
                File.Delete(file);
        try
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        }
        catch (IOException)
        {
            // Another save into the same trial's folder got there first; the folder is in use again.
        }
    }

    private string TrialFolder(int trial) => Path.Combine(Root, trial.ToString(CultureInfo.InvariantCulture));
}
