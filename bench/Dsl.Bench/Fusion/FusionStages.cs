using System.Diagnostics;
using Dsl.Checkpoints;
using Dsl.ModelFusion.Ensembles;
using Dsl.ModelFusion.Soups;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Training;
using static TorchSharp.torch;
using FusionSweepResult = Dsl.Sweeps.SweepResult<Dsl.Bench.Fusion.FusionBenchCnn, Dsl.Bench.Fusion.FusionBenchCnn.Hyperparameters, Dsl.Bench.Fusion.FusionBenchSweep.Hyperparameters>;

namespace Dsl.Bench.Fusion;

/// <summary>The fusion benchmark's stages: the sweep within the time budget, the ensembles, the greedy soup and SWA.</summary>
internal static class FusionStages
{
    /// <summary>
    /// What the fusion after the sweep costs, in epochs of training: member and ensemble evaluations, the ensemble fits,
    /// the soup's BatchNorm passes and the inference timing (SWA's and the fine-tuned variants' epochs are counted apart).
    /// </summary>
    private const int FusionEpochEquivalents = 3;

    /// <summary>SWA continues from the best checkpoint at this share of the trial's learning rate, held constant.</summary>
    private const double SwaLearningRateFactor = 0.25;

    private static readonly Trainer Evaluator = new(new TrainingOptions());

    /// <summary>What every trial starts from; the sweep's hyperparameters are set on top.</summary>
    public static TrainingOptions BaseTraining { get; } = new()
    {
        Optimizer = OptimizerKind.AdamW,
        Schedule = LearningRateSchedule.Cosine(),
        BatchSize = 128,
    };

    /// <summary>
    /// Runs the sweep one round of <see cref="FusionBenchSettings.Jobs"/> trials at a time, so that a trial starts only
    /// when it and the fusion after it are expected to end within the budget (from the trials this run has timed).
    /// </summary>
    public static FusionSweepResult Sweep(SweepData data, FusionBenchSettings settings, string folder, Stopwatch clock, TextWriter log)
    {
        var storage = StudyStorage.Sqlite(Path.Combine(folder, "study.db"));
        try
        {
            return Sweep(data, settings, storage, folder, clock, log);
        }
        finally
        {
            storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static FusionSweepResult Sweep(SweepData data, FusionBenchSettings settings, IStudyStorage storage, string folder, Stopwatch clock, TextWriter log)
    {
        // The trials need no test set: it is measured once per fused model below, not at the end of every round. This
        // view shares data's datasets, which data disposes, so it is not disposed itself.
        var trialData = new SweepData(data.Train, data.Validation);
        var options = new SweepOptions
        {
            // The declared defaults train first, as `sweep --enqueue-defaults` does: a known-good member.
            Enqueue = [SweepOptions.Assignment(FusionBenchCnn.Hyperparameters.Default, FusionBenchSweep.Hyperparameters.Default)],
            Epochs = settings.Epochs,
            Jobs = settings.Jobs,
            // Fixed rather than budget-aware, because each round tells the sampler a different trial budget.
            Sampler = Samplers.Tpe(seed: 0, startupTrials: Math.Max(2, settings.Trials / 2), constantLiar: settings.Jobs > 1),
            // No pruner: a pruned trial is no ensemble member, and the narrow space has no hopeless trials to cut.
            Pruner = null,
            KeepCheckpoints = null,
            Storage = storage,
            OutputDirectory = folder,
            Training = BaseTraining,
            Progress = SweepProgress.Plain(log),
        };

        var budget = TimeSpan.FromMinutes(settings.BudgetMinutes);
        var timed = TimeSpan.Zero;
        var timedTrials = 0;
        var size = 0;
        FusionSweepResult result;
        while (true)
        {
            size = Math.Min(settings.Trials, size + settings.Jobs);
            var roundStart = DateTimeOffset.UtcNow;
            var roundClock = Stopwatch.StartNew();
            result = FusionBenchSweep.RunAsync(trialData, options with { Trials = size }).GetAwaiter().GetResult();
            var trained = result.Trials.Count(t => t.FinishedAt >= roundStart);
            if (trained > 0)
            {
                timed += roundClock.Elapsed;
                timedTrials += trained;
            }
            size = Math.Max(size, result.Trials.Count);
            if (size >= settings.Trials) break;
            if (timedTrials == 0) continue;

            var round = timed / timedTrials * Math.Min(settings.Jobs, settings.Trials - size);
            var epoch = timed / timedTrials / settings.Epochs;
            var projected = clock.Elapsed + round + epoch * (settings.SwaEpochs + settings.FineTuneVariants * settings.FineTuneEpochs + FusionEpochEquivalents);
            if (projected > budget)
            {
                log.WriteLine($"fusion: stopping the sweep at {size} of {settings.Trials} trials: another round would end at " +
                              $"{projected.TotalMinutes:F1} minutes with the fusion, over the {settings.BudgetMinutes:0.##}-minute budget");
                break;
            }
        }
        return result;
    }

    /// <summary>The complete trials whose checkpoints are still on disk, best first.</summary>
    public static List<TrialRecord> RankedWithCheckpoints(FusionSweepResult sweep) =>
        [.. sweep.Leaderboard(int.MaxValue).Where(t => t.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) && File.Exists(path))];

    /// <summary>The training options <paramref name="trial"/> was trained with: the base options with its sweep hyperparameters set.</summary>
    public static TrainingOptions TrialTraining(TrialRecord trial) =>
        FusionBenchSweep.Definition.Configure(BaseTraining, FusionBenchSweep.Hyperparameters.FromValues(trial.Parameters));

    /// <summary>Rebuilds a trial's model from its checkpoint.</summary>
    public static FusionBenchCnn Load(TrialRecord trial) =>
        Checkpoint.Load<FusionBenchCnn, FusionBenchCnn.Hyperparameters>(trial.Attributes[SweepAttributeKeys.Checkpoint]);

    /// <summary>Validation and test accuracy.</summary>
    public static (double Validation, double Test) Accuracies(nn.Module<Tensor, Tensor> model, SweepData data) =>
        (Evaluator.Evaluate(model, data.Validation).Accuracy, Evaluator.Evaluate(model, data.Test!).Accuracy);

    /// <summary>
    /// One ensemble of freshly loaded members (an ensemble owns and disposes its members), and its validation accuracy:
    /// stacking's cross-fitted one, the others' measured on the validation data (in-sample for the weighted fit's 5 weights).
    /// </summary>
    public static (EnsembleModel Ensemble, double Validation) Ensemble(EnsembleMethod method, IReadOnlyList<TrialRecord> members, SweepData data)
    {
        var models = new List<nn.Module<Tensor, Tensor>>();
        EnsembleModel ensemble;
        try
        {
            foreach (var member in members) models.Add(Load(member));
            ensemble = method switch
            {
                EnsembleMethod.Uniform => ModelFusion.Ensembles.Ensemble.Uniform(models),
                EnsembleMethod.Weighted => ModelFusion.Ensembles.Ensemble.FitWeighted(models, data.Validation),
                _ => ModelFusion.Ensembles.Ensemble.FitStacking(models, data.Validation),
            };
        }
        catch
        {
            // Until the ensemble exists the loaded models are ours: a failed load or fit must not leak them.
            foreach (var model in models) model.Dispose();
            throw;
        }
        try
        {
            var validation = ensemble.Validation is { CrossFitted: true } fitted ? fitted.Accuracy : Evaluator.Evaluate(ensemble, data.Validation).Accuracy;
            return (ensemble, validation);
        }
        catch
        {
            ensemble.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The greedy soup of <see cref="SoupIngredients.For"/>'s models, judged on the validation data, with BatchNorm
    /// statistics recomputed on the training data for every candidate.
    /// </summary>
    public static (FusionBenchCnn Soup, SoupReport Report) GreedySoup(
        IReadOnlyList<TrialRecord> ranked, SweepData data, FusionBenchSettings settings, string folder, TextWriter log)
    {
        var ingredients = SoupIngredients.For(ranked, data, settings, folder, log);
        try
        {
            var soup = Soup.Greedy(ingredients, data.Validation, out var report, new SoupOptions { BatchNormData = data.Train, Evaluator = Evaluator });
            return (soup, report);
        }
        finally
        {
            foreach (var ingredient in ingredients) ingredient.Dispose();
        }
    }

    /// <summary>
    /// Stochastic weight averaging continued from the best trial's checkpoint (Izmailov et al. 2018 start SWA from a
    /// trained model too): its own training settings for <see cref="FusionBenchSettings.SwaEpochs"/> more epochs at a
    /// constant quarter of its learning rate, every epoch's weights averaged, then the BatchNorm pass.
    /// </summary>
    public static FusionBenchCnn Swa(TrialRecord best, SweepData data, FusionBenchSettings settings, TextWriter log)
    {
        var options = TrialTraining(best) with
        {
            Epochs = settings.SwaEpochs,
            Swa = true,
            SwaStartEpoch = 1,
            SwaAnnealEpochs = 0,
            SwaLearningRate = FusionBenchSweep.Hyperparameters.FromValues(best.Parameters).LearningRate * SwaLearningRateFactor,
        };
        var model = Load(best);
        try
        {
            new Trainer(options).Fit(model, data.Train, data.Validation, TrainingCallbacks.OnEpochEnd(report =>
            {
                log.WriteLine($"fusion: SWA epoch {report.Epoch}/{settings.SwaEpochs}: validation accuracy {report.Validation?.Accuracy:F4}, " +
                              $"{report.TrainingTime.TotalSeconds:F0} s");
                return EpochDecision.Continue;
            })).EnsureNotDiverged();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The ensemble's inference time over the test set divided by the single model's: each timed three times in turn,
    /// so both meet the same load, and the medians compared.
    /// </summary>
    public static double InferenceCostRatio(nn.Module<Tensor, Tensor> single, nn.Module<Tensor, Tensor> ensemble, TensorDataset test)
    {
        var singleTimes = new List<double>();
        var ensembleTimes = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            singleTimes.Add(Time(single, test));
            ensembleTimes.Add(Time(ensemble, test));
        }
        return Median(ensembleTimes) / Median(singleTimes);

        static double Time(nn.Module<Tensor, Tensor> model, TensorDataset data)
        {
            var clock = Stopwatch.StartNew();
            Evaluator.Evaluate(model, data);
            return clock.Elapsed.TotalSeconds;
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    }
}
