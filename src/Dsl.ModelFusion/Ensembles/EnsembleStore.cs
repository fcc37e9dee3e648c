using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Dsl.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>Rebuilds a member of a saved ensemble from its model type name and checkpoint path; null defers to the generated-model loader.</summary>
public delegate nn.Module? EnsembleMemberLoader(string modelType, string checkpointPath);

/// <summary>Writes and reads an ensemble's folder: <c>ensemble.json</c> and one checkpoint per member.</summary>
internal static class EnsembleStore
{
    public static void Save(EnsembleCore core, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(path);
        var manifest = new EnsembleManifest
        {
            Method = core.Method,
            InputCount = core.InputCount,
            ClassCount = core.Combination.ClassCount,
            LogWeights = core.Combination.LogWeights,
            MetaWeight = core.Combination.MetaWeight,
            MetaBias = core.Combination.MetaBias,
            Validation = core.Validation,
        };
        for (var m = 0; m < core.Adapters.Count; m++)
        {
            var file = $"member-{m}.pt";
            Checkpoint.Save(core.Adapters[m].Module, Path.Combine(path, file));
            manifest.Members.Add(new EnsembleMemberRecord { ModelType = core.Adapters[m].Info.TypeName, Checkpoint = file, Weight = core.Combination.Shares[m] });
        }
        // The manifest last: a reader starts from it, so an interrupted save never looks like a whole ensemble.
        File.WriteAllText(Path.Combine(path, EnsembleManifest.FileName), JsonSerializer.Serialize(manifest, EnsembleManifest.Json));
    }

    public static IEnsemble Load(string path, Device? device, EnsembleMemberLoader? loadMember)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var manifestPath = Path.Combine(path, EnsembleManifest.FileName);
        if (!File.Exists(manifestPath))
            throw new FusionException($"No ensemble at '{path}': its manifest '{manifestPath}' does not exist.");
        EnsembleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<EnsembleManifest>(File.ReadAllText(manifestPath), EnsembleManifest.Json);
        }
        catch (JsonException e)
        {
            throw new FusionException($"'{manifestPath}' is not an ensemble manifest: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != EnsembleManifest.FormatName || manifest.Members.Count == 0)
            throw new FusionException($"'{manifestPath}' is not an ensemble manifest: it lacks \"format\": \"{EnsembleManifest.FormatName}\" or members.");
        if (manifest.Version != EnsembleManifest.CurrentVersion)
            throw new FusionException($"'{manifestPath}' has format version {manifest.Version}, but this Dsl.ModelFusion reads version {EnsembleManifest.CurrentVersion}.");
        var valid = manifest.Method == EnsembleMethod.Stacking
            ? manifest.MetaWeight is { } w && manifest.MetaBias is { } b && manifest.ClassCount > 0 && b.Length == manifest.ClassCount
              && w.Length == manifest.Members.Count * manifest.ClassCount * manifest.ClassCount
            : manifest.LogWeights?.Length == manifest.Members.Count;
        if (!valid)
            throw new FusionException($"'{manifestPath}' holds {manifest.Method} parameters that do not fit its {manifest.Members.Count} members and {manifest.ClassCount} classes.");

        var members = new List<nn.Module>();
        try
        {
            foreach (var record in manifest.Members)
            {
                var member = LoadMember(record, Path.Combine(path, record.Checkpoint), loadMember);
                members.Add(member);
            }
            Ensemble.Adapt(members);
            var combination = new EnsembleCombination(manifest.Method, manifest.ClassCount, manifest.LogWeights, manifest.MetaWeight, manifest.MetaBias,
                [.. manifest.Members.Select(r => r.Weight)]);
            var core = new EnsembleCore(members, combination, manifest.Validation);
            if (device is not null) core.to(device);
            if (core.InputCount != manifest.InputCount)
                throw new FusionException($"'{manifestPath}' says its members take {manifest.InputCount} input(s), but the loaded members take {core.InputCount}.");
            return Ensemble.Wrap(core);
        }
        catch
        {
            foreach (var member in members) member.Dispose();
            throw;
        }
    }

    private static nn.Module LoadMember(EnsembleMemberRecord record, string checkpointPath, EnsembleMemberLoader? loadMember)
    {
        if (loadMember?.Invoke(record.ModelType, checkpointPath) is { } custom) return custom;
        var type = FindType(record.ModelType);
        var generated = type?.GetInterfaces().FirstOrDefault(i =>
            i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGeneratedModel<,>) && i.GetGenericArguments()[0] == type);
        if (type is null || generated is null)
            throw new FusionException(
                $"Ensemble member '{checkpointPath}' is a '{record.ModelType}', which is not a generated model type loaded in this process; pass an {nameof(EnsembleMemberLoader)} that rebuilds it.");
        var load = typeof(Checkpoint).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(Checkpoint.Load) && m.IsGenericMethodDefinition)
            .MakeGenericMethod(type, generated.GetGenericArguments()[1]);
        try
        {
            return (nn.Module)load.Invoke(null, [checkpointPath, null])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static Type? FindType(string fullName) =>
        AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(fullName, throwOnError: false)).FirstOrDefault(t => t is not null);
}
