using System.Diagnostics;
using System.Globalization;
using Dsl.Datasets;
using Dsl.ModelFusion.Ensembles;
using Dsl.Sweeps;
using Dsl.Training;

namespace Dsl.Bench.Fusion;

/// <summary>
/// Model fusion on the full Fashion-MNIST within 45 minutes on 2 cores: a sweep of strong, diverse CNNs, then prediction
/// ensembles (uniform, weighted, stacking) of its top trials, a greedy soup, and SWA continued from the best trial.
/// </summary>
/// <remarks>
/// `bench/run fusion [--smoke] [--trials 6] [--epochs 10] [--top 5] [--swa-epochs 3] [--budget-minutes 45] [--jobs 1]
/// [--fine-tune N] [--fine-tune-epochs N] [--data DIR|embedded] [--output DIR]`; the recipe and why are in bench/RESULTS.md's Fusion section. Every fusion is fitted
/// and judged on the sweep's validation split (10% of the training set, stratified, seed 0); the test set only measures.
/// Progress goes to stderr, results to stdout.
/// </remarks>
public sealed class FusionBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "fusion";

    /// <inheritdoc />
    public string Description => "Sweep + ensembles, greedy soup and SWA of its top trials on full Fashion-MNIST: test accuracies, cost, minutes.";

    /// <inheritdoc />
    public IEnumerable<BenchResult> Run(string[] args)
    {
        var settings = FusionBenchSettings.Parse(args);
        var log = Console.Error;

        var dataset = FashionMnist.Load(settings.Data);
        log.WriteLine($"fusion: data {dataset.Source}; {settings}");
        var (trainImages, trainLabels) = dataset.Train.ToTensors();
        var (testImages, testLabels) = dataset.Test.ToTensors();
        using var all = new TensorDataset(trainImages, trainLabels);
        // The sweep's own split (as the sample's SweepDataLoader and sweep-e2e make it): fusions are fitted on this validation part.
        using var data = SweepData.Split(all, validationFraction: 0.1, seed: 0, test: new TensorDataset(testImages, testLabels));

        var folder = Path.GetFullPath(settings.Output ?? Path.Combine(Path.GetTempPath(), $"dsl-fusion-{Environment.ProcessId}"));
        Directory.CreateDirectory(folder);
        log.WriteLine($"fusion: study and checkpoints in {folder}");

        // Stage 1: the sweep.
        var clock = Stopwatch.StartNew();
        var sweep = FusionStages.Sweep(data, settings, folder, clock, log);
        var sweepMinutes = clock.Elapsed.TotalMinutes;
        Mark("sweep");
        var ranked = FusionStages.RankedWithCheckpoints(sweep);
        yield return new BenchResult("fusion_sweep_minutes", sweepMinutes, null,
            $"minutes, {sweep.Trials.Count} trials x {settings.Epochs} epochs, {ranked.Count} complete (context)");
        if (ranked.Count < 2)
        {
            log.WriteLine($"fusion: only {ranked.Count} complete trial(s) with a checkpoint; fusing needs 2");
            yield break;
        }

        // Stage 2: the members, best by validation accuracy first; the best single model is the first.
        var members = ranked.Take(settings.Top).ToList();
        var singles = new List<(double Validation, double Test)>();
        foreach (var trial in members)
        {
            using var model = FusionStages.Load(trial);
            var scores = FusionStages.Accuracies(model, data);
            singles.Add(scores);
            log.WriteLine($"fusion: member trial {trial.Number}: validation {scores.Validation:F4}, test {scores.Test:F4} ({model.HyperparameterValues}; " +
                          $"{FusionBenchSweep.Hyperparameters.FromValues(trial.Parameters)})");
        }
        var bestSingle = singles[0].Test;
        Mark("member evaluations");
        yield return new BenchResult("fusion_best_single_test_accuracy", bestSingle, null,
            $"accuracy, trial {members[0].Number}, the best of the sweep by validation accuracy");

        // Stage 3: prediction ensembles of the members; the method is chosen by validation accuracy, never by test accuracy.
        var ensembles = new List<(EnsembleMethod Method, EnsembleModel Model, double Validation, double Test)>();
        try
        {
            foreach (var method in new[] { EnsembleMethod.Uniform, EnsembleMethod.Weighted, EnsembleMethod.Stacking })
            {
                var (ensemble, validation) = FusionStages.Ensemble(method, members, data);
                ensembles.Add((method, ensemble, validation, FusionStages.Accuracies(ensemble, data).Test));
                log.WriteLine($"fusion: {MethodName(method)} ensemble of {members.Count}: validation {validation:F4}, test {ensembles[^1].Test:F4}, " +
                              $"weights {string.Join(", ", ensemble.Weights.Select(w => w.ToString("0.###", CultureInfo.InvariantCulture)))}");
            }
            foreach (var e in ensembles)
                yield return new BenchResult($"fusion_ensemble_{MethodName(e.Method)}_test_accuracy", e.Test, bestSingle,
                    $"accuracy of the {MethodName(e.Method)} ensemble of {members.Count}, validation {e.Validation:F4}; peer: best single (context)");

            Mark("ensembles");
            var chosen = ensembles.MaxBy(e => e.Validation);
            yield return new BenchResult("fusion_ensemble_test_accuracy", chosen.Test, bestSingle,
                $"accuracy, {MethodName(chosen.Method)} ensemble of {members.Count} (best by validation); peer: best single " +
                "(target >= 0.935 and >= best single + 0.01)");

            using var best = FusionStages.Load(members[0]);
            var ratio = FusionStages.InferenceCostRatio(best, chosen.Model, data.Test!);
            yield return new BenchResult("fusion_ensemble_inference_cost_ratio", ratio, null,
                $"x one model's test-set inference time ({MethodName(chosen.Method)} ensemble of {members.Count})");
            Mark("inference timing");
        }
        finally
        {
            foreach (var e in ensembles) e.Model.Dispose();
        }

        // Stage 4: the greedy soup of the best trial and its fine-tuned variants (SoupIngredients.For).
        var (soup, report) = FusionStages.GreedySoup(ranked, data, settings, folder, log);
        using (soup)
        {
            foreach (var step in report.Steps)
                log.WriteLine($"fusion: soup step: ingredient {step.Member} (validation {step.MemberAccuracy:F4}): soup with it {step.CandidateAccuracy:F4}, " +
                              (step.Kept ? "kept" : "left out"));
            yield return new BenchResult("fusion_greedy_soup_test_accuracy", FusionStages.Accuracies(soup, data).Test, bestSingle,
                $"accuracy, greedy soup keeping {report.Kept.Count} of {report.Steps.Count} ingredient(s), one model's inference cost; " +
                "peer: best single (target >= best single)");
        }
        Mark("greedy soup");

        // Stage 5: SWA continued from the best trial.
        using (var swa = FusionStages.Swa(members[0], data, settings, log))
            yield return new BenchResult("fusion_swa_test_accuracy", FusionStages.Accuracies(swa, data).Test, bestSingle,
                $"accuracy, best trial + {settings.SwaEpochs} SWA epoch(s); peer: best single (context)");
        Mark("SWA");

        yield return new BenchResult("fusion_minutes", clock.Elapsed.TotalMinutes, null,
            $"minutes, the sweep ({sweepMinutes:F1}) and every fusion above (target <= 45)");

        // Where the minutes go, for estimating other settings from a run.
        void Mark(string stage) => log.WriteLine($"fusion: {stage} done at {clock.Elapsed.TotalMinutes:F2} minutes");
    }

    private static string MethodName(EnsembleMethod method) => method.ToString().ToLowerInvariant();
}
