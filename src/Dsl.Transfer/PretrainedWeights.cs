using System.Collections;
using Dsl.Checkpoints;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dsl.Transfer;

/// <summary>
/// Starts a model from pretrained weights: a Dsl checkpoint of another model, or a PyTorch <c>state_dict</c> written by
/// <c>torch.save</c>; keys are matched by name (after an optional <see cref="KeyMap"/>) and the report says what fitted.
/// Also writes Dsl checkpoints in PyTorch's format, so a run can continue in Python.
/// </summary>
public static class PretrainedWeights
{
    /// <summary>Loads the weights of the Dsl checkpoint at <paramref name="checkpointPath"/> (any model type) into <paramref name="model"/>.</summary>
    /// <exception cref="WeightLoadException">Strict loading found keys that do not fit; nothing was loaded.</exception>
    /// <exception cref="CheckpointException">The file is missing or not a TorchSharp state dict.</exception>
    public static WeightLoadReport LoadCheckpoint(nn.Module model, string checkpointPath, WeightLoading mode = WeightLoading.Strict, KeyMap? keys = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        if (!File.Exists(checkpointPath)) throw new CheckpointException(checkpointPath, $"Checkpoint weights '{checkpointPath}' do not exist.");
        StateDictFile.ReadEntries(checkpointPath); // Names a file that is not a state dict before any tensor is read.
        var source = Checkpoint.ReadStateDict(checkpointPath);
        try
        {
            return Load(model, source, checkpointPath, mode, keys);
        }
        finally
        {
            foreach (var tensor in source.Values) tensor.Dispose();
        }
    }

    /// <summary>Loads a PyTorch <c>state_dict</c> saved with <c>torch.save</c> at <paramref name="path"/> into <paramref name="model"/>.</summary>
    /// <exception cref="WeightLoadException">Strict loading found keys that do not fit; nothing was loaded.</exception>
    /// <exception cref="CheckpointException">The file is missing or is not a pickled state dict of tensors.</exception>
    public static WeightLoadReport LoadPyTorch(nn.Module model, string path, WeightLoading mode = WeightLoading.Strict, KeyMap? keys = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new CheckpointException(path, $"PyTorch state dict '{path}' does not exist.");
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CheckpointException(path, $"'{path}' is not a PyTorch state dict saved with torch.save: {e.Message}", e);
        }
        try
        {
            var source = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table)
            {
                if (entry.Key is not string name || entry.Value is not Tensor tensor)
                    throw new CheckpointException(path, $"'{path}' holds an entry '{entry.Key}' that is not a named tensor; expected model.state_dict() saved with torch.save.");
                source[name] = tensor;
            }
            return Load(model, source, path, mode, keys);
        }
        finally
        {
            // Everything unpickled is ours, including the tensors of a file that turned out not to be a plain state dict.
            foreach (DictionaryEntry entry in table)
                if (entry.Value is Tensor tensor) tensor.Dispose();
        }
    }

    /// <summary>Writes <paramref name="model"/>'s state dict in PyTorch's format, for <c>model.load_state_dict(torch.load(path))</c> in Python.</summary>
    public static void SavePyTorch(nn.Module model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        model.save_py(path);
    }

    /// <summary>Converts the weights of the Dsl checkpoint at <paramref name="checkpointPath"/> to a PyTorch state-dict file, without building its model.</summary>
    public static void ExportCheckpoint(string checkpointPath, string pytorchPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentException.ThrowIfNullOrEmpty(pytorchPath);
        if (!File.Exists(checkpointPath)) throw new CheckpointException(checkpointPath, $"Checkpoint weights '{checkpointPath}' do not exist.");
        StateDictFile.ReadEntries(checkpointPath);
        var state = Checkpoint.ReadStateDict(checkpointPath);
        try
        {
            var table = new Hashtable();
            foreach (var (name, tensor) in state) table[name] = tensor;
            PyTorchPickler.PickleStateDict(pytorchPath, table);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }

    private static WeightLoadReport Load(nn.Module model, IReadOnlyDictionary<string, Tensor> source, string origin, WeightLoading mode, KeyMap? keys)
    {
        keys ??= KeyMap.Identity;
        var target = model.state_dict();
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var mappedFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        foreach (var (name, tensor) in source.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (keys.Map(name) is not { } key) continue;
            if (!target.ContainsKey(key)) unexpected.Add(name == key ? name : $"{name} (as {key})");
            // Two source keys mapped onto one model key: the first (in name order) is kept, the other is reported, never silently lost.
            else if (mappedFrom.TryGetValue(key, out var first)) unexpected.Add($"{name} (as {key}, already taken from {first})");
            else
            {
                mapped[key] = tensor;
                mappedFrom[key] = name;
            }
        }
        var loaded = new List<string>();
        var missing = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        foreach (var (key, tensor) in target)
        {
            if (!mapped.TryGetValue(key, out var value)) missing.Add(key);
            else if (!value.shape.SequenceEqual(tensor.shape)) mismatched.Add(new ShapeMismatch(key, value.shape, tensor.shape));
            else loaded.Add(key);
        }
        var report = new WeightLoadReport(loaded, missing, unexpected, mismatched);
        if (mode == WeightLoading.Strict && !report.IsExact) throw new WeightLoadException(origin, report);

        using var noGrad = no_grad();
        foreach (var key in loaded) target[key].copy_(mapped[key]);
        return report;
    }
}
