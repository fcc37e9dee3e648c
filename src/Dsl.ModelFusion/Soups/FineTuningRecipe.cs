using System.Globalization;
using System.Text.Json;
using Dsl.Checkpoints;
using Dsl.Search;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Soups;

/// <summary>
/// The recipe that makes soups work: fine-tune variants of one trained model from its checkpoint, each with sampled
/// settings (<see cref="FineTuneSettings"/>), on the data it was trained on; then greedy-soup them with the start.
/// </summary>
/// <remarks>
/// Variant <c>i</c> is saved as <c>&lt;folder&gt;/&lt;i&gt;/model.pt</c>, and <c>settings.json</c> beside it marks it
/// finished. A rerun with the same options reuses every finished variant, so a fine-tune stopped by Ctrl-C resumes
/// with the variant it was training.
/// </remarks>
public static class FineTuningRecipe
{
    /// <summary>The file that marks a variant finished and says how it was trained.</summary>
    public const string SettingsFileName = "settings.json";

    /// <summary>A variant's checkpoint's file name.</summary>
    public const string ModelFileName = "model.pt";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Fine-tunes <see cref="FineTuneOptions.Variants"/> variants of the model saved at <paramref name="checkpoint"/>,
    /// each from its weights with <paramref name="trialOptions"/> (the options the model was trained with) changed by
    /// sampled settings, on <paramref name="train"/>, scored on <paramref name="validation"/> after each epoch.
    /// </summary>
    /// <returns>The finished variants in index order; a variant that diverged is left out.</returns>
    /// <exception cref="OperationCanceledException">Cancelled; finished variants stay saved.</exception>
    public static IReadOnlyList<FineTunedVariant> Run<TModel, TModelHp>(
        string checkpoint, TrainingOptions trialOptions, TensorDataset train, TensorDataset validation, string folder,
        FineTuneOptions? options = null, CancellationToken cancellationToken = default)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpoint);
        ArgumentNullException.ThrowIfNull(trialOptions);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new FineTuneOptions();
        options.Validate();

        // A rerun may have replaced the checkpoint at the same path (a new sweep's trial with the same number): variants of the old one are not reused.
        var start = new FileInfo(checkpoint);
        if (!start.Exists) throw new FileNotFoundException($"The checkpoint to fine-tune, '{checkpoint}', does not exist.", checkpoint);
        // The trainer augments image inputs only, and refuses augmentation when there are none.
        var images = train.InputTensors.Any(t => t.dim() == 4);
        var variants = new List<FineTunedVariant>();
        for (var index = 0; index < options.Variants; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var settings = FineTuneSettings.Sample(trialOptions, index, options, images);
            var directory = Path.Combine(folder, index.ToString(CultureInfo.InvariantCulture));
            var path = Path.Combine(directory, ModelFileName);
            var marker = Path.Combine(directory, SettingsFileName);
            var record = new SettingsFile(Path.GetFullPath(checkpoint), start.LastWriteTimeUtc, start.Length, options.Epochs, settings);
            if (IsFinished(marker, path, record))
            {
                variants.Add(new FineTunedVariant(index, path, settings, Reused: true));
                continue;
            }

            // A variant without its marker was interrupted or trained otherwise: it is trained again from the start.
            if (File.Exists(marker)) File.Delete(marker);
            var trained = Train<TModel, TModelHp>(checkpoint, settings.Apply(trialOptions, options.Epochs), train, validation, path, index, options, cancellationToken);
            if (!trained) continue;
            File.WriteAllText(marker, JsonSerializer.Serialize(record, Json));
            variants.Add(new FineTunedVariant(index, path, settings, Reused: false));
        }
        return variants;
    }

    private static bool Train<TModel, TModelHp>(
        string checkpoint, TrainingOptions training, TensorDataset train, TensorDataset validation, string path, int index,
        FineTuneOptions options, CancellationToken cancellationToken)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
    {
        using var scope = NewDisposeScope();
        using var model = Checkpoint.Load<TModel, TModelHp>(checkpoint, training.Device);
        using var step = options.Progress.Begin($"fine-tuning variant {index + 1}/{options.Variants}", options.Epochs);
        var result = new Trainer(training).Fit(ModelAdapter.FromAny(model), train, validation, Progress.FusionProgress.Epochs(step, options.Epochs), cancellationToken);
        switch (result.Outcome)
        {
            case TrainingOutcome.Cancelled:
                throw new OperationCanceledException($"Fine-tuning variant {index} was interrupted; rerun to continue from it.", cancellationToken);
            case TrainingOutcome.Diverged:
                step.Advance($"diverged ({result.Message}); left out of the soup");
                return false;
        }
        var metrics = result.Epochs.Count > 0 && result.Epochs[^1].Validation is { } last
            ? new Dictionary<string, double> { ["validation_accuracy"] = last.Accuracy, ["validation_loss"] = last.Loss }
            : null;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Checkpoint.Save<TModel, TModelHp>(model, path, new CheckpointInfo { Epoch = training.Epochs, Metrics = metrics });
        return true;
    }

    private static bool IsFinished(string marker, string path, SettingsFile expected)
    {
        if (!File.Exists(marker) || !File.Exists(path)) return false;
        try
        {
            return JsonSerializer.Deserialize<SettingsFile>(File.ReadAllText(marker), Json) == expected;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What a finished variant's marker holds: it is reused only when all of it matches.</summary>
    private sealed record SettingsFile(string Start, DateTime StartWritten, long StartBytes, int Epochs, FineTuneSettings Settings);
}
