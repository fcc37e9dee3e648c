using System.Globalization;
using System.Reflection;

namespace Dsl.Datasets;

/// <summary>Loads Fashion-MNIST from a given folder, <c>DSL_FASHION_MNIST_DIR</c>, the Debian package, or the embedded subset, in that order.</summary>
public static class FashionMnist
{
    /// <summary>Environment variable naming a folder that holds the four Fashion-MNIST IDX files.</summary>
    public const string EnvironmentVariable = "DSL_FASHION_MNIST_DIR";

    /// <summary>Folder where the Debian package <c>dataset-fashion-mnist</c> installs the data.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    internal const string ResourcePrefix = "Dsl.Datasets.Embedded.";

    /// <summary>A directory value that asks for the embedded subset even when the full dataset is installed.</summary>
    public const string EmbeddedKeyword = "embedded";
    internal const string TrainImagesFile = "train-images-idx3-ubyte.gz";
    internal const string TrainLabelsFile = "train-labels-idx1-ubyte.gz";
    internal const string TestImagesFile = "t10k-images-idx3-ubyte.gz";
    internal const string TestLabelsFile = "t10k-labels-idx1-ubyte.gz";

    /// <summary>Fashion-MNIST images are square, this many pixels on a side.</summary>
    public const int ImageSize = 28;

    private static readonly string[] Files = [TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile];

    private const string FixHint =
        "Install the full dataset with 'sudo apt-get install dataset-fashion-mnist', or set "
        + EnvironmentVariable + " to a folder holding " + TrainImagesFile + ", " + TrainLabelsFile + ", "
        + TestImagesFile + " and " + TestLabelsFile + ".";

    /// <summary>
    /// Loads the training and test sets. A <paramref name="directory"/> or <c>DSL_FASHION_MNIST_DIR</c> that is given must hold
    /// valid files; otherwise the Debian package folder is used if installed, else the embedded 6,000/1,000 subset.
    /// The value <c>embedded</c> (<see cref="EmbeddedKeyword"/>) asks for the embedded subset directly.
    /// </summary>
    public static FashionMnistData Load(string? directory = null) =>
        Load(directory, Environment.GetEnvironmentVariable(EnvironmentVariable), SystemDirectory, typeof(FashionMnist).Assembly);

    private static bool IsEmbeddedKeyword(string? value) => string.Equals(value?.Trim(), EmbeddedKeyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Test seam: the same lookup with the environment value, system folder and resource assembly supplied.</summary>
    internal static FashionMnistData Load(string? directory, string? environmentDirectory, string systemDirectory, Assembly resourceAssembly)
    {
        if (IsEmbeddedKeyword(directory) || (directory is null && IsEmbeddedKeyword(environmentDirectory)))
            return LoadEmbedded(resourceAssembly, $"  - '{EmbeddedKeyword}' asked for the embedded subset");
        if (directory is not null)
        {
            return LoadGivenDirectory(
                directory,
                DatasetSourceKind.Explicit,
                $"the given folder ({directory})",
                $"Give a folder holding the four files, or none to look in {EnvironmentVariable}, then {SystemDirectory}, then the embedded subset.");
        }

        // An empty variable is how shells commonly "unset" it, so it counts as not given.
        if (!string.IsNullOrWhiteSpace(environmentDirectory))
        {
            return LoadGivenDirectory(
                environmentDirectory,
                DatasetSourceKind.EnvironmentVariable,
                $"{EnvironmentVariable} ({environmentDirectory})",
                $"Point {EnvironmentVariable} at a folder holding the four files, or unset it to use the default lookup.");
        }

        var systemMissing = MissingFiles(systemDirectory);
        if (systemMissing is null)
        {
            var source = $"Debian package dataset-fashion-mnist ({systemDirectory})";
            return WithContext(
                source,
                "Reinstall it with 'sudo apt-get install --reinstall dataset-fashion-mnist'.",
                () => FromDirectory(systemDirectory, source, DatasetSourceKind.SystemPackage));
        }

        return LoadEmbedded(resourceAssembly, $"  - {EnvironmentVariable} environment variable: not set", $"  - {systemDirectory} (Debian package dataset-fashion-mnist): {systemMissing}");
    }

    /// <summary>The embedded 6,000/1,000 subset; <paramref name="looked"/> lists the places already tried, for the error.</summary>
    private static FashionMnistData LoadEmbedded(Assembly resourceAssembly, params string[] looked)
    {
        var streams = Files.Select(f => resourceAssembly.GetManifestResourceStream(ResourcePrefix + f)).ToArray();
        try
        {
            if (Array.IndexOf(streams, null) >= 0)
            {
                var missingResources = Files.Where((_, i) => streams[i] is null).Select(f => ResourcePrefix + f);
                throw new DatasetException(
                    "Fashion-MNIST was not found. Looked for " + string.Join(", ", Files) + " in:" + Environment.NewLine
                    + string.Concat(looked.Select(l => l + Environment.NewLine))
                    + $"  - the embedded subset in assembly {resourceAssembly.GetName().Name}: missing resource(s) {string.Join(", ", missingResources)}"
                    + Environment.NewLine + FixHint);
            }

            return WithContext(
                $"embedded subset in assembly {resourceAssembly.GetName().Name}",
                "Regenerate it with tools/make_fashion_subset.py and rebuild, or " + FixHint,
                () =>
                {
                    var train = Split(
                        IdxReader.ReadImages(streams[0]!, ResourcePrefix + TrainImagesFile), ResourcePrefix + TrainImagesFile,
                        IdxReader.ReadLabels(streams[1]!, ResourcePrefix + TrainLabelsFile), ResourcePrefix + TrainLabelsFile);
                    var test = Split(
                        IdxReader.ReadImages(streams[2]!, ResourcePrefix + TestImagesFile), ResourcePrefix + TestImagesFile,
                        IdxReader.ReadLabels(streams[3]!, ResourcePrefix + TestLabelsFile), ResourcePrefix + TestLabelsFile);
                    var source = string.Create(
                        CultureInfo.InvariantCulture,
                        $"embedded subset ({train.Count:N0} train / {test.Count:N0} test)");
                    return new FashionMnistData(train, test, source, DatasetSourceKind.EmbeddedSubset);
                });
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream?.Dispose();
            }
        }
    }

    private static FashionMnistData LoadGivenDirectory(string directory, DatasetSourceKind kind, string source, string hint)
    {
        if (!Directory.Exists(directory))
        {
            throw new DatasetException($"Fashion-MNIST from {source}: the directory does not exist. {hint}");
        }

        return WithContext(source, hint, () => FromDirectory(directory, source, kind));
    }

    private static FashionMnistData FromDirectory(string directory, string source, DatasetSourceKind kind)
    {
        var paths = Files.Select(f => Resolve(directory, f)).ToArray();
        var train = Split(IdxReader.ReadImages(paths[0]), paths[0], IdxReader.ReadLabels(paths[1]), paths[1]);
        var test = Split(IdxReader.ReadImages(paths[2]), paths[2], IdxReader.ReadLabels(paths[3]), paths[3]);
        return new FashionMnistData(train, test, source, kind);
    }

    // Other distributions ship the same files already unzipped; the reader sniffs gzip from content either way.
    private static string Resolve(string directory, string file)
    {
        var gz = Path.Combine(directory, file);
        var raw = Path.Combine(directory, Path.GetFileNameWithoutExtension(file));
        return !File.Exists(gz) && File.Exists(raw) ? raw : gz;
    }

    /// <summary>Null when the folder holds all four files, else a short reason it cannot be used.</summary>
    private static string? MissingFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return "directory does not exist";
        }

        var missing = Files.Where(f => !File.Exists(Resolve(directory, f))).ToArray();
        return missing.Length == 0 ? null : "missing " + string.Join(", ", missing);
    }

    private static LabeledImages Split(IdxImages images, string imagesName, byte[] labels, string labelsName)
    {
        if (images.Height != ImageSize || images.Width != ImageSize)
        {
            throw new DatasetException(string.Create(
                CultureInfo.InvariantCulture,
                $"{imagesName}: expected Fashion-MNIST's {ImageSize}×{ImageSize} images, found {images.Height}×{images.Width}"));
        }

        if (images.Count != labels.Length)
        {
            throw new DatasetException(string.Create(
                CultureInfo.InvariantCulture,
                $"{imagesName} holds {images.Count} images but {labelsName} holds {labels.Length} labels; expected one label per image"));
        }

        var classCount = FashionMnistData.ClassNames.Count;
        var bad = labels.AsSpan().IndexOfAnyInRange((byte)classCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new DatasetException(string.Create(
                CultureInfo.InvariantCulture,
                $"{labelsName}: label {labels[bad]} at index {bad} is not below the class count {classCount}"));
        }

        return new LabeledImages(images.Height, images.Width, images.Pixels, labels, classCount);
    }

    private static FashionMnistData WithContext(string source, string hint, Func<FashionMnistData> load)
    {
        try
        {
            return load();
        }
        catch (DatasetException ex)
        {
            throw new DatasetException($"Fashion-MNIST from {source} could not be loaded: {ex.Message}. {hint}", ex);
        }
    }
}
