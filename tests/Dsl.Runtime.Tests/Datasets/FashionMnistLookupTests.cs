using System.Reflection;
using Dsl.Datasets;

namespace Dsl.Runtime.Tests.Datasets;

/// <summary>Lookup order through the internal seam: no process environment is read or changed here.</summary>
public sealed class FashionMnistLookupTests : IDisposable
{
    private static readonly Assembly Runtime = typeof(FashionMnist).Assembly;

    // The test assembly embeds no dataset, which stands in for a runtime built without the subset.
    private static readonly Assembly NoResources = typeof(FashionMnistLookupTests).Assembly;

    private readonly IdxTestFiles files = new();

    public void Dispose() => files.Dispose();

    private string Absent => Path.Combine(files.Root, "absent");

    [Fact]
    public void Explicit_directory_wins_over_everything_else()
    {
        var explicitDir = files.WriteDataset("explicit", 11, 3);
        var envDir = files.WriteDataset("env", 12, 4);
        var systemDir = files.WriteDataset("system", 13, 5);

        var data = FashionMnist.Load(explicitDir, envDir, systemDir, Runtime);

        Assert.Equal(DatasetSourceKind.Explicit, data.SourceKind);
        Assert.Equal((11, 3), (data.Train.Count, data.Test.Count));
        Assert.Contains(explicitDir, data.Source);
    }

    [Fact]
    public void Environment_directory_wins_over_system_and_embedded()
    {
        var envDir = files.WriteDataset("env", 12, 4);
        var systemDir = files.WriteDataset("system", 13, 5);

        var data = FashionMnist.Load(null, envDir, systemDir, Runtime);

        Assert.Equal(DatasetSourceKind.EnvironmentVariable, data.SourceKind);
        Assert.Equal((12, 4), (data.Train.Count, data.Test.Count));
        Assert.Contains("DSL_FASHION_MNIST_DIR", data.Source);
        Assert.Contains(envDir, data.Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_environment_value_counts_as_unset(string blank)
    {
        var systemDir = files.WriteDataset("system", 13, 5);

        var data = FashionMnist.Load(null, blank, systemDir, Runtime);

        Assert.Equal(DatasetSourceKind.SystemPackage, data.SourceKind);
    }

    [Fact]
    public void System_directory_wins_over_embedded()
    {
        var systemDir = files.WriteDataset("system", 13, 5);

        var data = FashionMnist.Load(null, null, systemDir, Runtime);

        Assert.Equal(DatasetSourceKind.SystemPackage, data.SourceKind);
        Assert.Equal((13, 5), (data.Train.Count, data.Test.Count));
        Assert.Equal($"Debian package dataset-fashion-mnist ({systemDir})", data.Source);
    }

    [Fact]
    public void Embedded_subset_is_the_fallback_when_no_folder_exists()
    {
        var data = FashionMnist.Load(null, null, Absent, Runtime);

        Assert.Equal(DatasetSourceKind.EmbeddedSubset, data.SourceKind);
        Assert.Equal("embedded subset (6,000 train / 1,000 test)", data.Source);
    }

    [Theory]
    [InlineData("embedded", null)]
    [InlineData(null, " Embedded ")]
    public void The_embedded_keyword_picks_the_subset_over_an_installed_dataset(string? directory, string? environment)
    {
        var systemDir = files.WriteDataset("system", 13, 5);

        var data = FashionMnist.Load(directory, environment, systemDir, Runtime);

        Assert.Equal(DatasetSourceKind.EmbeddedSubset, data.SourceKind);
    }

    [Fact]
    public void The_embedded_keyword_without_the_subset_says_so()
    {
        var error = Assert.Throws<DatasetException>(() => FashionMnist.Load("embedded", null, Absent, NoResources));

        Assert.Contains("'embedded' asked for the embedded subset", error.Message);
        Assert.Contains("missing resource(s)", error.Message);
    }

    [Fact]
    public void Incomplete_system_directory_falls_through_to_embedded()
    {
        var systemDir = files.WriteDataset("system", 13, 5);
        File.Delete(Path.Combine(systemDir, "t10k-labels-idx1-ubyte.gz"));

        var data = FashionMnist.Load(null, null, systemDir, Runtime);

        Assert.Equal(DatasetSourceKind.EmbeddedSubset, data.SourceKind);
    }

    [Fact]
    public void Complete_but_corrupt_system_directory_is_an_error_not_a_silent_fallback()
    {
        var systemDir = files.WriteDataset("system", 13, 5);
        var path = files.Write(Path.Combine("system", "train-images-idx3-ubyte.gz"), IdxTestFiles.ImageBytes(13, 2, 3, new byte[10]));

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(null, null, systemDir, Runtime));

        Assert.Contains($"{path}: header declares 13×2×3 = 78 bytes of pixels, file holds 10", ex.Message);
        Assert.Contains("--reinstall dataset-fashion-mnist", ex.Message);
    }

    [Fact]
    public void Uncompressed_files_without_gz_suffix_are_accepted()
    {
        var dir = files.WriteDataset("plain", 7, 2, gzip: false);

        var data = FashionMnist.Load(dir, null, Absent, NoResources);

        Assert.Equal((7, 2), (data.Train.Count, data.Test.Count));
    }

    [Fact]
    public void Explicit_directory_that_does_not_exist_is_an_error_even_with_fallbacks_available()
    {
        var systemDir = files.WriteDataset("system", 13, 5);
        var envDir = files.WriteDataset("env", 12, 4);

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(Absent, envDir, systemDir, Runtime));

        Assert.Contains(Absent, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Explicit_directory_missing_a_file_names_that_file()
    {
        var dir = files.WriteDataset("explicit", 11, 3);
        var missing = Path.Combine(dir, "t10k-images-idx3-ubyte.gz");
        File.Delete(missing);

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir, null, Absent, Runtime));

        Assert.Contains($"{missing}: file not found (expected an IDX image file, magic 0x00000803)", ex.Message);
        Assert.Contains($"the given folder ({dir})", ex.Message);
        Assert.DoesNotContain("null", ex.Message);
    }

    [Fact]
    public void Environment_directory_that_is_invalid_is_an_error_naming_the_variable()
    {
        var systemDir = files.WriteDataset("system", 13, 5);

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(null, Absent, systemDir, Runtime));

        Assert.Contains($"DSL_FASHION_MNIST_DIR ({Absent})", ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Everything_missing_gives_one_clear_error()
    {
        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(null, null, Absent, NoResources));

        Assert.Null(ex.InnerException);
        Assert.Contains("Fashion-MNIST was not found", ex.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", ex.Message);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", ex.Message);
        Assert.Contains("DSL_FASHION_MNIST_DIR", ex.Message);
        Assert.Contains(Absent, ex.Message);
        Assert.Contains("Dsl.Datasets.Embedded.train-images-idx3-ubyte.gz", ex.Message);
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", ex.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        var dir = files.WriteDataset("explicit", 11, 3);
        var labels = files.Write(Path.Combine("explicit", "train-labels-idx1-ubyte.gz"), IdxTestFiles.Gzip(IdxTestFiles.LabelBytes(10, IdxTestFiles.CyclicLabels(10))));
        var images = Path.Combine(dir, "train-images-idx3-ubyte.gz");

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir, null, Absent, NoResources));

        Assert.Contains($"{images} holds 11 images but {labels} holds 10 labels", ex.Message);
    }

    [Fact]
    public void Labels_must_be_below_the_class_count()
    {
        var dir = files.WriteDataset("explicit", 11, 3);
        var labels = files.Write(Path.Combine("explicit", "t10k-labels-idx1-ubyte.gz"), IdxTestFiles.LabelBytes(3, [0, 10, 2]));

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir, null, Absent, NoResources));

        Assert.Contains($"{labels}: label 10 at index 1 is not below the class count 10", ex.Message);
    }

    [Fact]
    public void Images_that_are_not_28_by_28_name_the_file_and_both_sizes()
    {
        var dir = files.WriteDataset("explicit", 11, 3, rows: 2, cols: 3);
        var images = Path.Combine(dir, "train-images-idx3-ubyte.gz");

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir, null, Absent, NoResources));

        Assert.Contains($"{images}: expected Fashion-MNIST's 28×28 images, found 2×3", ex.Message);
    }

    [Fact]
    public void Images_of_0_by_0_are_refused_before_any_training()
    {
        var dir = files.WriteDataset("explicit", 11, 3);
        var images = files.Write(Path.Combine("explicit", "t10k-images-idx3-ubyte.gz"), IdxTestFiles.Gzip(IdxTestFiles.ImageBytes(3, 0, 0, [])));

        var ex = Assert.Throws<DatasetException>(() => FashionMnist.Load(dir, null, Absent, NoResources));

        Assert.Contains($"{images}: expected an IDX image header with a positive image count, height and width, found 3 images of 0×0", ex.Message);
    }

    [Fact]
    public void Class_names_follow_label_order_and_are_read_only()
    {
        Assert.Equal(10, FashionMnistData.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnistData.ClassNames[0]);
        Assert.Equal("Sneaker", FashionMnistData.ClassNames[7]);
        Assert.Equal("Ankle boot", FashionMnistData.ClassNames[9]);
        Assert.False(FashionMnistData.ClassNames is string[]);
    }
}
