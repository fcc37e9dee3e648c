using Dsl.Search.Trials;
using Dsl.Studies;
using static Dsl.Runtime.Tests.Studies.StudyTestKit;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>Copying studies with their checkpoints: the originals survive, studies keep apart, and a clash copies nothing.</summary>
public sealed class StudyCopierTests : IDisposable
{
    private readonly TempStudyFile first = new();
    private readonly TempStudyFile second = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dsl-copy-{Guid.NewGuid():N}");

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Copying_checkpoints_into_the_folder_they_are_in_keeps_them()
    {
        var trials = Path.Combine(folder, "a");
        await using (var source = StudyStorage.Sqlite(first.Path))
            await AddStudyAsync(source, "a", trials, "weights of a");
        await using (var source = StudyStorage.Open(first.Path, readOnly: true))
        await using (var target = StudyStorage.Sqlite(second.Path))
        {
            var copy = Assert.Single(await StudyCopier.CopyAsync(source, target, artifactFolder: folder));
            Assert.Equal(1, copy.CheckpointsCopied);
        }

        var checkpoint = Path.Combine(trials, "0", "model.pt");
        Assert.Equal("weights of a", await File.ReadAllTextAsync(checkpoint));
        Assert.Equal("sidecar of a", await File.ReadAllTextAsync(checkpoint + ".json"));
        await using var copied = StudyStorage.Open(second.Path, readOnly: true);
        Assert.Equal(checkpoint, (await copied.GetTrialsAsync("a"))[0].Attributes["checkpoint"]);
    }

    [Fact]
    public async Task Studies_copied_into_one_folder_keep_their_own_checkpoints()
    {
        await using (var source = StudyStorage.Sqlite(first.Path))
        {
            await AddStudyAsync(source, "a", Path.Combine(folder, "runs", "a"), "weights of a");
            await AddStudyAsync(source, "b/c", Path.Combine(folder, "runs", "b"), "weights of b");
        }
        var artifacts = Path.Combine(folder, "copies");
        var heard = new List<string>();
        await using (var source = StudyStorage.Open(first.Path, readOnly: true))
        await using (var target = StudyStorage.Sqlite(second.Path))
            await StudyCopier.CopyAsync(source, target, artifactFolder: artifacts, copied: copy => heard.Add(copy.Study));

        Assert.Equal(["a", "b/c"], heard);
        await using var copied = StudyStorage.Open(second.Path, readOnly: true);
        var a = (await copied.GetTrialsAsync("a"))[0].Attributes["checkpoint"];
        var b = (await copied.GetTrialsAsync("b/c"))[0].Attributes["checkpoint"];
        Assert.Equal(Path.Combine(artifacts, "a", "0", "model.pt"), a);
        Assert.Equal(Path.Combine(artifacts, "b_c", "0", "model.pt"), b);
        Assert.Equal("weights of a", await File.ReadAllTextAsync(a));
        Assert.Equal("weights of b", await File.ReadAllTextAsync(b));
        Assert.Equal("sidecar of b", await File.ReadAllTextAsync(b + ".json"));
        Assert.Equal(["model.pt", "model.pt.json"], Directory.GetFiles(Path.GetDirectoryName(b)!).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_clash_on_any_study_copies_none()
    {
        await using (var source = StudyStorage.Sqlite(first.Path))
        {
            await AddStudyAsync(source, "a", Path.Combine(folder, "a"), "weights of a");
            await AddStudyAsync(source, "b", Path.Combine(folder, "b"), "weights of b");
        }
        await using var target = StudyStorage.Sqlite(second.Path);
        await target.CreateOrOpenStudyAsync(Study("b"));
        await using var read = StudyStorage.Open(first.Path, readOnly: true);

        var error = await Assert.ThrowsAsync<StudyStorageException>(() => StudyCopier.CopyAsync(read, target));

        Assert.Contains("already has a study named 'b'; nothing was copied", error.Message);
        Assert.Equal(["b"], (await target.GetStudiesAsync()).Select(s => s.Name));
    }

    [Fact]
    public void Study_folders_are_safe_and_distinct()
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Assert.Equal("a_b", StudyCopier.StudyFolder("a/b", taken));
        Assert.Equal("a_b-2", StudyCopier.StudyFolder("a\\b", taken));
        Assert.Equal("_", StudyCopier.StudyFolder("..", taken));
        Assert.Equal("étude 研究", StudyCopier.StudyFolder("étude 研究", taken));
    }

    /// <summary>A study with one complete trial whose checkpoint (and sidecar) is at <c>&lt;trials&gt;/0/model.pt</c>.</summary>
    private static async Task AddStudyAsync(IStudyStorage store, string name, string trials, string weights)
    {
        await store.CreateOrOpenStudyAsync(Study(name));
        var claim = await store.ClaimTrialAsync(name, "w", Sampler);
        var checkpoint = Path.Combine(trials, claim.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), "model.pt");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        await File.WriteAllTextAsync(checkpoint, weights);
        await File.WriteAllTextAsync(checkpoint + ".json", weights.Replace("weights", "sidecar", StringComparison.Ordinal));
        await store.SetTrialAttributeAsync(name, claim.Number, "checkpoint", checkpoint);
        await store.FinishTrialAsync(name, claim.Number, TrialResult.Complete(0.5));
    }
}
