using System.Text;
using Dsl.Checkpoints;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Training;
using Dsl.Sweeps.Output;
using static TorchSharp.torch;

namespace Dsl.Sweeps;

/// <summary>The best trial of a sweep, with its hyperparameters as the generated records.</summary>
/// <param name="Number">The trial's number in the study.</param>
/// <param name="Value">Its objective on the validation set.</param>
/// <param name="Model">The model's hyperparameters.</param>
/// <param name="Training">The sweep's (training) hyperparameters.</param>
/// <param name="CheckpointPath">Where its weights were saved, or null when no checkpoint was written for it.</param>
public sealed record SweepBest<TModelHyperparameters, TSweepHyperparameters>(
    int Number,
    double Value,
    TModelHyperparameters Model,
    TSweepHyperparameters Training,
    string? CheckpointPath);

/// <summary>What a sweep produced: every trial of its study, the best one typed, and its checkpoint.</summary>
public sealed class SweepResult<TModel, TModelHyperparameters, TSweepHyperparameters> : SweepOutcome
    where TModel : nn.Module, IGeneratedModel<TModel, TModelHyperparameters>
    where TModelHyperparameters : IHyperparameters<TModelHyperparameters>
    where TSweepHyperparameters : IHyperparameters<TSweepHyperparameters>
{
    private readonly SweepBest<TModelHyperparameters, TSweepHyperparameters>? best;

    internal SweepResult(
        string study,
        Metric metric,
        StudyDirection direction,
        IReadOnlyList<TrialRecord> trials,
        SweepBest<TModelHyperparameters, TSweepHyperparameters>? best,
        SweepStopReason stopReason,
        TimeSpan elapsed,
        string outputDirectory,
        Evaluation? testEvaluation)
        : base(study, direction, trials, stopReason, elapsed, outputDirectory)
    {
        Metric = metric;
        this.best = best;
        TestEvaluation = testEvaluation;
    }

    /// <summary>The objective.</summary>
    public Metric Metric { get; }

    /// <summary>Whether any trial completed, so that <see cref="Best"/> exists.</summary>
    public bool HasBest => best is not null;

    /// <summary>The best complete trial.</summary>
    /// <exception cref="InvalidOperationException">No trial completed; check <see cref="HasBest"/> and the trials' errors.</exception>
    public SweepBest<TModelHyperparameters, TSweepHyperparameters> Best => best ?? throw new InvalidOperationException(
        $"Study '{Study}' has no best model: {SweepText.NoCompleteTrial(Trials)}.");

    /// <summary>The best checkpoint's loss and accuracy on the sweep's test set, when it had one.</summary>
    public Evaluation? TestEvaluation { get; }

    /// <summary>Rebuilds the best trial's model from its checkpoint, with its exact hyperparameters and weights.</summary>
    /// <exception cref="InvalidOperationException">No trial completed, or the best trial has no checkpoint.</exception>
    /// <exception cref="CheckpointException">The checkpoint is missing or does not fit the model.</exception>
    public TModel LoadBestModel(Device? device = null)
    {
        var path = Best.CheckpointPath ?? throw new InvalidOperationException(
            $"Trial {Best.Number} of study '{Study}' has no checkpoint: its file is missing, or could not be written.");
        return Checkpoint.Load<TModel, TModelHyperparameters>(path, device);
    }

    /// <summary>The trials as CSV: one row per trial, a <c>params_*</c> column per parameter.</summary>
    public string ToCsv()
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        TrialExport.WriteCsv(writer, Trials, Space.Select(p => p.Name));
        return writer.ToString();
    }

    /// <summary>The trials as JSON, with intermediate values and attributes.</summary>
    public string ToJson() => TrialExport.ToJson(Study, Direction, SweepText.MetricName(Metric), Trials);

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/>.</summary>
    public void ExportCsv(string path) => WriteFile(path, ToCsv());

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/>.</summary>
    public void ExportJson(string path) => WriteFile(path, ToJson());

    private static SearchSpace Space => TModelHyperparameters.SearchSpace.Concat(TSweepHyperparameters.SearchSpace);

    private static void WriteFile(string path, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
