using Dsl.Datasets;

namespace Dsl.Runtime.Tests.Datasets;

/// <summary>Runs alone, after the parallel collections, so setting the real variable cannot leak into other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}

/// <summary>The public <see cref="FashionMnist.Load(string?)"/> end to end, against the real process environment.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ProcessEnvironmentTests : IDisposable
{
    private readonly IdxTestFiles files = new();
    private readonly string? saved = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, saved);
        files.Dispose();
    }

    [Fact]
    public void Public_load_reads_the_environment_variable()
    {
        var dir = files.WriteDataset("env", 12, 4);
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, dir);

        var data = FashionMnist.Load();

        Assert.Equal(DatasetSourceKind.EnvironmentVariable, data.SourceKind);
        Assert.Equal((12, 4), (data.Train.Count, data.Test.Count));
    }

    [Fact]
    public void Public_load_prefers_the_argument_over_the_environment_variable()
    {
        var envDir = files.WriteDataset("env", 12, 4);
        var explicitDir = files.WriteDataset("explicit", 11, 3);
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, envDir);

        var data = FashionMnist.Load(explicitDir);

        Assert.Equal(DatasetSourceKind.Explicit, data.SourceKind);
        Assert.Equal((11, 3), (data.Train.Count, data.Test.Count));
    }

    [Fact]
    public void Public_load_rejects_an_environment_variable_pointing_nowhere()
    {
        var absent = Path.Combine(files.Root, "absent");
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, absent);

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load());

        Assert.Contains(absent, ex.Message);
    }

    [Fact]
    public void Without_the_variable_the_installed_package_or_the_subset_is_used()
    {
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, null);

        var data = FashionMnist.Load();

        // Which one depends on whether this machine has dataset-fashion-mnist installed.
        if (File.Exists(Path.Combine(FashionMnist.SystemDirectory, "train-images-idx3-ubyte.gz")))
        {
            Assert.Equal(DatasetSourceKind.SystemPackage, data.SourceKind);
            Assert.Equal((60000, 10000), (data.Train.Count, data.Test.Count));
        }
        else
        {
            Assert.Equal(DatasetSourceKind.EmbeddedSubset, data.SourceKind);
        }
    }
}
