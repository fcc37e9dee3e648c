using System.Diagnostics;
using Dsl.Datasets;
using Dsl.Search.Pruning;
using Dsl.Search.Sampling;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Training;
using FashionMnistSample;

namespace Dsl.Bench;

/// <summary>The sample's FashionSweep end to end on the full Fashion-MNIST: time to finish, and the best model's test accuracy.</summary>
/// <remarks>
/// `bench/run sweep-e2e [--trials 24] [--epochs 6] [--jobs 1]`. The full run takes up to 40 minutes on 2 cores; smaller
/// settings check the wiring. Progress goes to stderr, results to stdout.
/// </remarks>
public sealed class SweepEndToEndBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "sweep-e2e";

    /// <inheritdoc />
    public string Description => "TPE + ASHA sweep of the sample CNN on full Fashion-MNIST: minutes, best test accuracy, reload check.";

    /// <inheritdoc />
    public IEnumerable<BenchResult> Run(string[] args)
    {
        var trials = Option(args, "--trials", 24);
        var epochs = Option(args, "--epochs", 6);
        var jobs = Option(args, "--jobs", 1);

        var dataset = FashionMnist.Load();
        Console.Error.WriteLine($"sweep-e2e: data {dataset.Source}; {trials} trials, up to {epochs} epochs, {jobs} job(s)");
        var (trainImages, trainLabels) = dataset.Train.ToTensors();
        var (testImages, testLabels) = dataset.Test.ToTensors();
        using var all = new TensorDataset(trainImages, trainLabels);
        using var data = SweepData.Split(all, validationFraction: 0.1, seed: 0, test: new TensorDataset(testImages, testLabels));

        var folder = Path.Combine(Path.GetTempPath(), $"dsl-sweep-e2e-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        var result = FashionSweep.RunAsync(data, new SweepOptions
        {
            // The declared defaults train first, as `sweep --enqueue-defaults` does: a warm start from a known-good point.
            Enqueue = [SweepOptions.Assignment(FashionCnn.Hyperparameters.Default, FashionSweep.Hyperparameters.Default)],
            Trials = trials,
            Epochs = epochs,
            Jobs = jobs,
            Sampler = Samplers.Tpe(seed: 0),
            Pruner = Pruners.Asha(maxEpochs: epochs),
            Storage = StudyStorage.Sqlite(Path.Combine(folder, "study.db")),
            OutputDirectory = folder,
            Progress = SweepProgress.Plain(Console.Error),
        }).GetAwaiter().GetResult();
        clock.Stop();

        yield return new BenchResult("sweep_e2e_minutes", clock.Elapsed.TotalMinutes, null, "minutes (target <= 40 for 24 trials x 6 epochs)");
        if (!result.HasBest) yield break;
        var best = result.TestEvaluation?.Accuracy ?? double.NaN;
        yield return new BenchResult("sweep_e2e_best_test_accuracy", best, null, "accuracy (target >= 0.915)");
        // The reloaded checkpoint must reproduce the best model exactly, so its test accuracy is the same number.
        using var reloaded = result.LoadBestModel();
        var again = new Trainer().Evaluate(reloaded, data.Test!).Accuracy;
        yield return new BenchResult("sweep_e2e_reloaded_test_accuracy", again, best, "accuracy (ratio must be 1)");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }
}
