using System.Text.Json;
using Dsl.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Checkpoints;

/// <summary>
/// Saves and loads generated models: the weights in TorchSharp's state-dict format at <c>path</c> (readable by plain
/// <c>module.load(path)</c>), and a JSON sidecar at <c>path + ".json"</c> with the model type, its hyperparameters and
/// training metadata, from which <see cref="Load{TModel, THyperparameters}"/> rebuilds the exact architecture.
/// </summary>
/// <remarks>
/// Checkpoints the trainer writes to resume from (<c>TrainingOptions.CheckpointPath</c>) add the optimizer state
/// at <c>path + ".optimizer"</c> and, under early stopping, the best epoch's weights at <c>path + ".best"</c>.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The JSON sidecar of the checkpoint whose weights are at <paramref name="path"/>.</summary>
    public static string MetadataPath(string path) => path + ".json";

    /// <summary>The optimizer state of a resumable checkpoint.</summary>
    public static string OptimizerPath(string path) => path + ".optimizer";

    /// <summary>The best epoch's weights of a resumable checkpoint written under early stopping.</summary>
    public static string BestWeightsPath(string path) => path + ".best";

    /// <summary>Saves <paramref name="model"/>'s weights at <paramref name="path"/> and its hyperparameters and <paramref name="info"/> in the sidecar.</summary>
    public static void Save<TModel, THyperparameters>(TModel model, string path, CheckpointInfo? info = null)
        where TModel : nn.Module, IGeneratedModel<TModel, THyperparameters>
        where THyperparameters : IHyperparameters<THyperparameters>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Write(path, model, typeof(TModel).FullName!, model.HyperparameterValues.ToValues(), info, training: null, optimizer: null, bestWeights: null);
    }

    /// <summary>
    /// Saves any module; the hyperparameters of a generated model are found through its <see cref="IGeneratedModel{TSelf, THyperparameters}"/>
    /// implementation, and a hand-written module is stored without any.
    /// </summary>
    public static void Save(nn.Module model, string path, CheckpointInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var description = GeneratedModelInfo.Describe(model);
        Write(path, model, description.TypeName, description.Hyperparameters?.ToValues() ?? new Dictionary<string, object>(), info, null, null, null);
    }

    /// <summary>
    /// Rebuilds the model saved at <paramref name="path"/>: <c>TModel.Create</c> with the stored hyperparameters, then the
    /// stored weights, on <paramref name="device"/> (the CPU by default).
    /// </summary>
    /// <exception cref="CheckpointException">A file is missing or unreadable, holds another model type, or its weights do not fit.</exception>
    public static TModel Load<TModel, THyperparameters>(string path, Device? device = null)
        where TModel : nn.Module, IGeneratedModel<TModel, THyperparameters>
        where THyperparameters : IHyperparameters<THyperparameters>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var document = ReadDocument(path);
        var expected = typeof(TModel).FullName!;
        if (!string.Equals(document.ModelType, expected, StringComparison.Ordinal))
            throw new CheckpointException(MetadataPath(path),
                $"Checkpoint '{path}' holds a '{document.ModelType}', but was loaded as '{expected}'.");

        THyperparameters hyperparameters;
        try
        {
            hyperparameters = THyperparameters.FromValues(CheckpointDocument.FromJson(document.Hyperparameters));
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(MetadataPath(path),
                $"Checkpoint '{path}' stores hyperparameters that {typeof(TModel).Name} does not accept: {e.Message}", e);
        }

        var model = TModel.Create(hyperparameters);
        try
        {
            LoadWeights(model, path, $"{typeof(TModel).Name} {hyperparameters}");
            if (device is not null) model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Loads the weights at <paramref name="path"/> into an existing module, checking every name and shape first.</summary>
    /// <exception cref="CheckpointException">The file is missing, unreadable, or its entries do not fit <paramref name="model"/>.</exception>
    public static void LoadWeights(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        LoadWeights(model, path, model.GetType().Name);
    }

    /// <summary>Reads the sidecar of the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">The sidecar is missing, unreadable, or of an unknown format.</exception>
    public static CheckpointMetadata ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadDocument(path).ToMetadata();
    }

    internal static void Write(
        string path,
        nn.Module model,
        string modelType,
        IReadOnlyDictionary<string, object> hyperparameters,
        CheckpointInfo? info,
        JsonElement? training,
        optim.Optimizer? optimizer,
        IReadOnlyDictionary<string, Tensor>? bestWeights)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var sparsity = Compression.Sparsity.Measure(model);
        var document = new CheckpointDocument
        {
            ModelType = modelType,
            Hyperparameters = CheckpointDocument.ToJson(hyperparameters),
            Epoch = info?.Epoch,
            Metrics = info?.Metrics is { } metrics ? new Dictionary<string, double>(metrics, StringComparer.Ordinal) : [],
            Normalization = NormalizationRecord.From(info?.Normalization),
            SavedAt = DateTimeOffset.UtcNow,
            ParameterCount = model.parameters().Sum(p => p.numel()),
            Training = training,
            // Pruned weights are zero in the weights themselves; the sidecar says how many, so a reader need not load them.
            Sparsity = sparsity.Overall > 0 ? sparsity.Overall : null,
            LayerSparsity = sparsity.Overall > 0 ? new Dictionary<string, double>(sparsity.Layers, StringComparer.Ordinal) : null,
        };

        // Weights first and the sidecar last: a reader starts from the sidecar, so a crash mid-write leaves the previous checkpoint whole.
        WriteAtomically(path, temp => model.save(temp));
        if (optimizer is not null)
            WriteAtomically(OptimizerPath(path), temp => ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(temp));
        if (bestWeights is not null)
            WriteAtomically(BestWeightsPath(path), temp =>
            {
                using var stream = File.Create(temp);
                using var writer = new BinaryWriter(stream);
                nn.Module.save_state_dict(writer, bestWeights.ToDictionary(p => p.Key, p => p.Value));
            });
        else if (training is not null)
            File.Delete(BestWeightsPath(path));
        WriteAtomically(MetadataPath(path), temp => File.WriteAllText(temp, JsonSerializer.Serialize(document, CheckpointDocument.Json)));
    }

    internal static CheckpointDocument ReadDocument(string path)
    {
        var metadataPath = MetadataPath(path);
        if (!File.Exists(metadataPath))
            throw new CheckpointException(metadataPath, File.Exists(path)
                ? $"Checkpoint metadata '{metadataPath}' is missing; '{path}' alone holds weights but not the model type and hyperparameters needed to rebuild the model."
                : $"No checkpoint at '{path}': neither the weights nor the metadata '{metadataPath}' exist.");
        CheckpointDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CheckpointDocument>(File.ReadAllText(metadataPath), CheckpointDocument.Json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(metadataPath, $"'{metadataPath}' is not a Dsl checkpoint sidecar: {e.Message}", e);
        }
        if (document is null || document.Format != CheckpointDocument.FormatName || string.IsNullOrEmpty(document.ModelType))
            throw new CheckpointException(metadataPath,
                $"'{metadataPath}' is not a Dsl checkpoint sidecar: it lacks \"format\": \"{CheckpointDocument.FormatName}\" or a model type.");
        if (document.Version != CheckpointDocument.CurrentVersion)
            throw new CheckpointException(metadataPath,
                $"'{metadataPath}' has format version {document.Version}, but this Dsl.Runtime reads version {CheckpointDocument.CurrentVersion}.");
        if (!File.Exists(path))
            throw new CheckpointException(path, $"Checkpoint weights '{path}' are missing (its metadata '{metadataPath}' exists).");
        return document;
    }

    internal static void LoadWeights(nn.Module model, string path, string modelDescription)
    {
        if (!File.Exists(path)) throw new CheckpointException(path, $"Checkpoint weights '{path}' do not exist.");
        var entries = StateDictFile.ReadEntries(path);
        var expected = model.state_dict().ToDictionary(p => p.Key, p => (p.Value.dtype, p.Value.shape), StringComparer.Ordinal);
        var problems = StateDictFile.Compare(entries, expected);
        if (problems.Count > 0)
            throw new CheckpointException(path,
                $"Checkpoint weights '{path}' do not fit {modelDescription}: " + string.Join("; ", problems.Take(8)) +
                (problems.Count > 8 ? $"; and {problems.Count - 8} more." : "."));
        try
        {
            model.load(path, strict: true);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(path, $"Checkpoint weights '{path}' could not be loaded into {modelDescription}: {e.Message}", e);
        }
    }

    internal static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var count = reader.Read7BitEncodedInt64();
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (long i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            state[name] = TensorExtensionMethods.Load(reader);
        }
        return state;
    }

    private static void WriteAtomically(string path, Action<string> write)
    {
        var temp = path + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
