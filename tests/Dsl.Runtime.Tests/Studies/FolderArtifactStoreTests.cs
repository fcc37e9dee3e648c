using Dsl.Studies.Artifacts;

namespace Dsl.Runtime.Tests.Studies;

public sealed class FolderArtifactStoreTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"dsl-artifacts-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_trial_s_artifact_lives_in_its_own_folder_with_its_companions()
    {
        var store = new FolderArtifactStore(root);

        var path = store.Save(7, "model.pt", target =>
        {
            File.WriteAllText(target, "weights");
            File.WriteAllText(target + ".json", "{}");
        });

        Assert.Equal(Path.Combine(root, "7", "model.pt"), path);
        Assert.Equal(root, store.Location);
        Assert.Equal("weights", File.ReadAllText(path));
        Assert.True(File.Exists(path + ".json"));
    }

    [Fact]
    public void Saving_again_replaces_the_artifact_and_drops_companions_it_no_longer_has()
    {
        var store = new FolderArtifactStore(root);
        store.Save(1, "model.pt", target =>
        {
            File.WriteAllText(target, "old");
            File.WriteAllText(target + ".optimizer", "old");
        });
        store.Save(1, "notes.txt", target => File.WriteAllText(target, "kept"));

        var path = store.Save(1, "model.pt", target => File.WriteAllText(target, "new"));

        Assert.Equal("new", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".optimizer"));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(root, "1", "notes.txt")));
    }

    [Fact]
    public void Deleting_removes_the_files_and_the_empty_folder_and_tolerates_what_is_gone()
    {
        var store = new FolderArtifactStore(root);
        var path = store.Save(3, "model.pt", target =>
        {
            File.WriteAllText(target, "w");
            File.WriteAllText(target + ".json", "{}");
        });

        store.Delete(3, "model.pt");
        store.Delete(3, "model.pt");
        store.Delete(99, "model.pt");

        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public void A_failed_write_leaves_nothing_behind()
    {
        var store = new FolderArtifactStore(root);

        Assert.Throws<IOException>(() => store.Save(2, "model.pt", target =>
        {
            File.WriteAllText(target, "half");
            throw new IOException("disk full");
        }));

        Assert.False(Directory.Exists(Path.Combine(root, "2")));
    }

    [Theory]
    [InlineData("../escape.pt")]
    [InlineData("sub/model.pt")]
    [InlineData("..")]
    [InlineData(" ")]
    public void Names_are_plain_file_names(string name)
    {
        var store = new FolderArtifactStore(root);

        Assert.ThrowsAny<ArgumentException>(() => store.Save(0, name, _ => { }));
    }
}
