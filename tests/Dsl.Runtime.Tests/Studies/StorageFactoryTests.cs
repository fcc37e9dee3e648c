using Dsl.Studies;

namespace Dsl.Runtime.Tests.Studies;

public sealed class StorageFactoryTests
{
    [Fact]
    public async Task Sqlite_accepts_a_path_or_a_sqlite_url()
    {
        await using var byPath = Assert.IsType<SqliteStudyStorage>(StudyStorage.Sqlite("fashion.db"));
        await using var relative = Assert.IsType<SqliteStudyStorage>(StudyStorage.Sqlite("sqlite:///fashion.db"));
        await using var absolute = Assert.IsType<SqliteStudyStorage>(StudyStorage.Sqlite("sqlite:////tmp/sweeps/fashion.db"));

        Assert.Equal(Path.GetFullPath("fashion.db"), byPath.FilePath);
        Assert.Equal(byPath.FilePath, relative.FilePath);
        Assert.Equal("/tmp/sweeps/fashion.db", absolute.FilePath);
        Assert.False(File.Exists(byPath.FilePath)); // nothing is created until the store is used
    }

    [Theory]
    [InlineData("memory", typeof(InMemoryStudyStorage))]
    [InlineData(":memory:", typeof(InMemoryStudyStorage))]
    [InlineData("studies/fashion.db", typeof(SqliteStudyStorage))]
    [InlineData("sqlite:///fashion.db", typeof(SqliteStudyStorage))]
    public async Task Open_reads_a_command_line_storage_value(string text, Type expected)
    {
        await using var storage = StudyStorage.Open(text);

        Assert.IsType(expected, storage);
    }

    [Theory]
    [InlineData("postgresql://db/sweeps", "Unsupported study storage 'postgresql://'")]
    [InlineData("sqlite://fashion.db", "not a SQLite URL")]
    [InlineData("sqlite:///", "names no file")]
    public void Open_refuses_what_it_cannot_store_in_with_one_clear_line(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => StudyStorage.Open(text));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Worker_ids_name_the_process_and_differ_per_call()
    {
        var a = StudyStorage.NewWorkerId();

        Assert.StartsWith($"{Environment.MachineName}-{Environment.ProcessId}-", a);
        Assert.NotEqual(a, StudyStorage.NewWorkerId());
    }
}
