using Dsl.Studies;

namespace Dsl.Runtime.Tests.Studies;

public sealed class StorageFactoryTests
{
    [Fact]
    public async Task Sqlite_accepts_a_path_or_a_sqlite_url()
    {
        await using var byPath = StudyStorage.Sqlite("fashion.db");
        await using var relative = StudyStorage.Sqlite("sqlite:///fashion.db");
        await using var absolute = StudyStorage.Sqlite("sqlite:////tmp/sweeps/fashion.db");

        Assert.Equal(Path.GetFullPath("fashion.db"), byPath.Location);
        Assert.Equal(byPath.Location, relative.Location);
        Assert.Equal("/tmp/sweeps/fashion.db", absolute.Location);
        Assert.True(byPath.IsPersistent);
        Assert.False(File.Exists(byPath.Location)); // nothing is created until the store is used
    }

    [Theory]
    [InlineData("memory", "in memory", false)]
    [InlineData(":memory:", "in memory", false)]
    [InlineData("studies/fashion.db", "studies/fashion.db", true)]
    [InlineData("sqlite:///fashion.db", "fashion.db", true)]
    public async Task Open_reads_a_command_line_storage_value_and_the_store_describes_itself(string text, string location, bool persistent)
    {
        await using var storage = StudyStorage.Open(text);

        Assert.Equal(persistent ? Path.GetFullPath(location) : location, storage.Location);
        Assert.Equal(persistent, storage.IsPersistent);
    }

    [Theory]
    [InlineData("mysql://db/sweeps", "Unsupported study storage 'mysql://'")]
    [InlineData("sqlite://fashion.db", "not a SQLite URL")]
    [InlineData("sqlite:///", "names no file")]
    public void Open_refuses_what_it_cannot_store_in_with_one_clear_line(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => StudyStorage.Open(text));

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("postgresql://db/sweeps", "postgresql://db/sweeps")]
    [InlineData("postgres://ana:secret@db:5433/sweeps?sslmode=require", "postgresql://ana@db:5433/sweeps?sslmode=require")]
    public async Task Open_hands_a_postgresql_url_to_the_postgresql_package(string text, string location)
    {
        // Dsl.Runtime does not reference Npgsql: the package is found by name. Nothing connects until the store is used.
        await using var storage = StudyStorage.Open(text);

        Assert.Equal("RelationalStudyStorage", storage.GetType().Name);
        Assert.Equal(location, storage.Location);
        Assert.True(storage.IsPersistent);
    }

    [Fact]
    public void Worker_ids_name_the_process_and_differ_per_call()
    {
        var a = StudyStorage.NewWorkerId();

        Assert.StartsWith($"{Environment.MachineName}-{Environment.ProcessId}-", a);
        Assert.NotEqual(a, StudyStorage.NewWorkerId());
    }
}
