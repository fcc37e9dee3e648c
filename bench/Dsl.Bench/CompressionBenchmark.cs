using System.Globalization;
using Dsl.Checkpoints;
using Dsl.Compression;
using Dsl.Datasets;
using Dsl.Training;
using FashionMnistSample;

namespace Dsl.Bench;

/// <summary>
/// Pruning and transfer with the sample's FashionCnn on Fashion-MNIST: test accuracy at 0/50/80/90/95% global sparsity
/// after iterative pruning with fine-tuning, and the gain of transfer learning over training from scratch on 10% of the data.
/// </summary>
/// <remarks>
/// <para>
/// A dense model trains for <c>--epochs</c> (6). Each sparsity then starts from those weights and fine-tunes for
/// <c>--finetune-epochs</c> (4), pruning globally along Zhu and Gupta's cubic schedule up to the epoch before the last;
/// 0% takes the same fine-tuning without pruning, so every sparsity gets the same training. The transfer part is the
/// sample's `transfer` experiment: <c>--pretrain-epochs</c> (4) on classes 0–4, then, for each budget of
/// <c>--transfer-epochs</c> (1,2,3,5), a transfer with the stem frozen and one with nothing frozen on 10% of classes 5–9,
/// against scratch with the same budget.
/// </para>
/// <para>
/// `bench/run compression` runs everything on the full data (about 25 minutes on 2 cores). <c>--smoke</c> checks the
/// wiring in a minute or two: 1,200 training and 400 test images of the embedded subset, one or two epochs each. <c>--data DIR</c> picks the data; <c>--only
/// prune</c> or <c>--only transfer</c> runs one half.
/// </para>
/// </remarks>
public sealed class CompressionBenchmark : IBenchmark
{
    private static readonly double[] Sparsities = [0, 0.5, 0.8, 0.9, 0.95];

    /// <inheritdoc />
    public string Name => "compression";

    /// <inheritdoc />
    public string Description => "FashionCnn test accuracy at 0-95% global sparsity (iterative pruning + fine-tuning); transfer vs scratch on 10% of classes 5-9";

    /// <inheritdoc />
    public IEnumerable<BenchResult> Run(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var only = Text(args, "--only");
        if (only is not (null or "prune" or "transfer"))
            throw new ArgumentException($"compression: --only expects prune or transfer, but got '{only}'.");
        // Every argument is read before the data loads, so a bad one fails at once.
        var epochs = Number(args, "--epochs", smoke ? 1 : 6);
        var finetuneEpochs = Number(args, "--finetune-epochs", smoke ? 2 : 4);
        var pretrainEpochs = Number(args, "--pretrain-epochs", smoke ? 1 : 4);
        var transferEpochs = Numbers(args, "--transfer-epochs", smoke ? [1] : [1, 2, 3, 5]);
        var dataset = FashionMnist.Load(Text(args, "--data") ?? (smoke ? FashionMnist.EmbeddedKeyword : null));
        // The smoke scale checks the wiring, not the figures: a shared machine runs it in a minute or two.
        if (smoke) dataset = dataset with { Train = dataset.Train.Take(1200), Test = dataset.Test.Take(400) };
        Console.Error.WriteLine($"compression: data {dataset.Source}{(smoke ? " (smoke scale)" : "")}");

        if (only is null or "prune")
            foreach (var result in Pruning(dataset, epochs, finetuneEpochs))
                yield return result;

        if (only is null or "transfer")
        {
            var outcomes = TransferExperiment.Run(dataset, pretrainEpochs, transferEpochs, 0.1, seed: 0, Console.Error);
            foreach (var outcome in outcomes)
            {
                var budget = $"{outcome.Epochs} epoch{(outcome.Epochs == 1 ? "" : "s")}";
                yield return new BenchResult($"transfer_accuracy_{outcome.Epochs}ep", outcome.TransferAccuracy, outcome.ScratchAccuracy,
                    $"test accuracy on classes 5-9 after {budget}, stem frozen; peer = scratch");
                yield return new BenchResult($"transfer_unfrozen_accuracy_{outcome.Epochs}ep", outcome.UnfrozenAccuracy, outcome.ScratchAccuracy,
                    $"test accuracy on classes 5-9 after {budget}, nothing frozen; peer = scratch");
                yield return new BenchResult($"transfer_accuracy_gain_{outcome.Epochs}ep", outcome.Gain, null, $"transfer - scratch accuracy after {budget}");
            }
            // The headline stays the longest budget (5 epochs by default, the budget of the first measurement); the rows
            // above show how the gain changes with the budget.
            var headline = outcomes.MaxBy(o => o.Epochs)!;
            yield return new BenchResult("transfer_accuracy_gain", headline.Gain, null,
                $"transfer - scratch accuracy after {headline.Epochs} epoch(s) on 10% of the data (target > 0.02)");
        }
    }

    private static IEnumerable<BenchResult> Pruning(FashionMnistData dataset, int epochs, int finetuneEpochs)
    {
        var (trainImages, trainLabels) = dataset.Train.ToTensors();
        var (testImages, testLabels) = dataset.Test.ToTensors();
        using var train = new TensorDataset(trainImages, trainLabels);
        using var test = new TensorDataset(testImages, testLabels);
        var dense = Path.Combine(Path.GetTempPath(), $"dsl-compression-{Environment.ProcessId}.ckpt");
        try
        {
            using (var model = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, seed: 0))
            {
                var trainer = new Trainer(new TrainingOptions { Epochs = epochs, Seed = 0, Schedule = LearningRateSchedule.Cosine() });
                trainer.Fit(model, train).EnsureNotDiverged();
                Console.Error.WriteLine($"compression: dense model after {epochs} epochs: test accuracy {trainer.Evaluate(model, test).Accuracy:F4}");
                Checkpoint.Save(model, dense);
            }

            var accuracies = new Dictionary<double, double>();
            foreach (var sparsity in Sparsities)
            {
                using var model = Checkpoint.Load<FashionCnn, FashionCnn.Hyperparameters>(dense);
                var trainer = new Trainer(new TrainingOptions
                {
                    Epochs = finetuneEpochs,
                    Seed = 1,
                    LearningRate = 5e-4,
                    Schedule = LearningRateSchedule.Cosine(),
                    PruneTargetSparsity = sparsity,
                    PruneMethod = PruningMethod.Global,
                    PruneSchedule = PruningSchedule.Cubic,
                    // The last epoch fine-tunes at the target sparsity.
                    PruneEndEpoch = Math.Max(1, finetuneEpochs - 1),
                });
                trainer.Fit(model, train).EnsureNotDiverged();
                var accuracy = trainer.Evaluate(model, test).Accuracy;
                accuracies[sparsity] = accuracy;
                var percent = (int)Math.Round(sparsity * 100);
                Console.Error.WriteLine($"compression: {percent}% target: {Sparsity.Measure(model)}; test accuracy {accuracy:F4}");
                yield return new BenchResult($"prune_{percent}_accuracy", accuracy, null, $"test accuracy at {percent}% global sparsity");
            }
            yield return new BenchResult("prune_90_accuracy_drop", accuracies[0] - accuracies[0.9], null, "dense - 90% sparse accuracy (target <= 0.01)");
        }
        finally
        {
            foreach (var file in new[] { dense, Checkpoint.MetadataPath(dense) })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    /// <summary>The value after <paramref name="name"/>, null when the option is absent; an option without a value is an error.</summary>
    private static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0) return null;
        return index + 1 < args.Length ? args[index + 1] : throw new ArgumentException($"compression: {name} expects a value, but none was given.");
    }

    private static int[] Numbers(string[] args, string name, int[] fallback) => Text(args, name) switch
    {
        null => fallback,
        var text => text.Split(',').Select(part =>
            int.TryParse(part, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ArgumentException($"compression: {name} expects whole numbers of at least 1 separated by commas, such as 1,2,3,5, but got '{text}'.")).ToArray(),
    };

    private static int Number(string[] args, string name, int fallback) => Text(args, name) switch
    {
        null => fallback,
        var text when int.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > 0 => value,
        var text => throw new ArgumentException($"compression: {name} expects a whole number of at least 1, but got '{text}'."),
    };
}
