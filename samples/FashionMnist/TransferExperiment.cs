using System.Globalization;
using Dsl.Checkpoints;
using Dsl.Datasets;
using Dsl.Training;
using Dsl.Transfer;

namespace FashionMnistSample;

/// <summary>What one transfer experiment measured on the target classes' test images, for one training budget.</summary>
/// <param name="Epochs">Epochs of the transfer, the unfrozen transfer and the scratch run alike.</param>
/// <param name="PretrainAccuracy">The pretrained model's accuracy on the source classes' test images.</param>
/// <param name="TransferAccuracy">The model started from the pretrained weights, with a new head and the stem frozen, trained on the target data.</param>
/// <param name="UnfrozenAccuracy">The same start and new head with every layer training: what freezing the stem costs or saves.</param>
/// <param name="ScratchAccuracy">The same model trained from scratch on the same data for the same epochs.</param>
/// <param name="TargetTrainSamples">Target training images used by all three.</param>
/// <param name="Load">What the transfer took from the pretrained checkpoint.</param>
public sealed record TransferOutcome(
    int Epochs, double PretrainAccuracy, double TransferAccuracy, double UnfrozenAccuracy, double ScratchAccuracy, int TargetTrainSamples, WeightLoadReport Load)
{
    /// <summary>Transfer (frozen stem) minus scratch accuracy.</summary>
    public double Gain => TransferAccuracy - ScratchAccuracy;

    /// <summary>Unfrozen transfer minus scratch accuracy.</summary>
    public double UnfrozenGain => UnfrozenAccuracy - ScratchAccuracy;
}

/// <summary>
/// Transfer learning on Fashion-MNIST: FashionCnn pretrained on classes 0–4, then moved to classes 5–9 with a share of
/// their training images, a new head (fc2) and the convolutional stem frozen (its BatchNorm statistics too); compared
/// with the same network trained from scratch on the same images for the same epochs, and with the same transfer
/// with nothing frozen.
/// </summary>
public static class TransferExperiment
{
    /// <summary>The frozen stem: both convolution blocks with their BatchNorm layers.</summary>
    public const string Stem = "conv1,bn1,conv2,bn2";

    /// <summary>The head a transfer replaces.</summary>
    public const string Head = "fc2";

    /// <summary>Runs the experiment for one budget; <paramref name="log"/> gets one line per stage.</summary>
    /// <param name="data">Fashion-MNIST.</param>
    /// <param name="pretrainEpochs">Epochs on all training images of classes 0–4.</param>
    /// <param name="epochs">Epochs of the transfer and of the scratch run on the target data.</param>
    /// <param name="targetFraction">The share of the target classes' training images both runs get.</param>
    /// <param name="seed">Seeds the subset, the weights and shuffling.</param>
    /// <param name="log">Progress lines.</param>
    public static TransferOutcome Run(FashionMnistData data, int pretrainEpochs, int epochs, double targetFraction, int seed, TextWriter log) =>
        Run(data, pretrainEpochs, [epochs], targetFraction, seed, log)[0];

    /// <summary>
    /// Pretrains once, then runs the transfer, the unfrozen transfer and scratch for each of <paramref name="epochBudgets"/>:
    /// where transfer pays depends on how long the target training may run.
    /// </summary>
    public static IReadOnlyList<TransferOutcome> Run(
        FashionMnistData data, int pretrainEpochs, IReadOnlyList<int> epochBudgets, double targetFraction, int seed, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(epochBudgets);
        ArgumentNullException.ThrowIfNull(log);
        if (!(targetFraction > 0 && targetFraction <= 1))
            throw new ArgumentException($"The target fraction must lie in (0, 1], but is {targetFraction}.", nameof(targetFraction));
        if (epochBudgets.Count == 0 || epochBudgets.Any(e => e < 1))
            throw new ArgumentException($"Every epoch budget must be at least 1, but they are [{string.Join(", ", epochBudgets)}].", nameof(epochBudgets));
        using var source = Dataset(Classes(data.Train, 0, 4, 1, seed));
        using var sourceTest = Dataset(Classes(data.Test, 0, 4, 1, seed));
        var targetImages = Classes(data.Train, 5, 9, targetFraction, seed);
        using var target = Dataset(targetImages);
        using var targetTest = Dataset(Classes(data.Test, 5, 9, 1, seed));

        var checkpoint = Path.Combine(Path.GetTempPath(), $"dsl-transfer-{Environment.ProcessId}-{Guid.NewGuid():N}.ckpt");
        try
        {
            var pretrainOptions = new TrainingOptions { Epochs = pretrainEpochs, Seed = seed, Schedule = LearningRateSchedule.Cosine() };
            double pretrainAccuracy;
            using (var pretrained = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, seed))
            {
                var trainer = new Trainer(pretrainOptions);
                trainer.Fit(pretrained, source).EnsureNotDiverged();
                pretrainAccuracy = trainer.Evaluate(pretrained, sourceTest).Accuracy;
                Checkpoint.Save(pretrained, checkpoint);
            }
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pretrained on classes 0-4 ({source.Count} images, {pretrainEpochs} epochs): test accuracy {pretrainAccuracy:F4}"));

            var outcomes = new List<TransferOutcome>(epochBudgets.Count);
            foreach (var epochs in epochBudgets)
            {
                var options = new TrainingOptions { Epochs = epochs, Seed = seed + 1, Schedule = LearningRateSchedule.Cosine() };
                var (transferAccuracy, load) = Transfer(checkpoint, options with { FreezeLayers = Stem, FreezeBatchNorm = true }, target, targetTest, seed + 1);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transfer to classes 5-9 ({target.Count} images, {epochs} epochs, {load}): test accuracy {transferAccuracy:F4}"));
                var (unfrozenAccuracy, _) = Transfer(checkpoint, options, target, targetTest, seed + 1);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transfer with nothing frozen ({target.Count} images, {epochs} epochs): test accuracy {unfrozenAccuracy:F4}"));

                double scratchAccuracy;
                using (var scratch = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, seed + 1))
                {
                    var trainer = new Trainer(options);
                    trainer.Fit(scratch, target).EnsureNotDiverged();
                    scratchAccuracy = trainer.Evaluate(scratch, targetTest).Accuracy;
                }
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scratch on classes 5-9 ({target.Count} images, {epochs} epochs): test accuracy {scratchAccuracy:F4}"));
                outcomes.Add(new TransferOutcome(epochs, pretrainAccuracy, transferAccuracy, unfrozenAccuracy, scratchAccuracy, targetImages.Count, load));
            }
            return outcomes;
        }
        finally
        {
            foreach (var file in new[] { checkpoint, Checkpoint.MetadataPath(checkpoint) })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    /// <summary>
    /// Trains a model that starts from the same fresh weights as scratch, then takes all but the head from the pretrained
    /// checkpoint; returns its target test accuracy and what the load took.
    /// </summary>
    private static (double Accuracy, WeightLoadReport Load) Transfer(string checkpoint, TrainingOptions options, TensorDataset target, TensorDataset targetTest, int seed)
    {
        using var model = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, seed);
        var load = PretrainedWeights.LoadCheckpoint(model, checkpoint, WeightLoading.Lenient, new KeyMap(new Dictionary<string, string> { [Head] = "" }));
        var trainer = new Trainer(options);
        trainer.Fit(model, target).EnsureNotDiverged();
        return (trainer.Evaluate(model, targetTest).Accuracy, load);
    }

    /// <summary>The images labelled <paramref name="first"/>..<paramref name="last"/>, a seeded <paramref name="fraction"/> of each class.</summary>
    public static LabeledImages Classes(LabeledImages images, int first, int last, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        var random = new Random(seed);
        var chosen = new List<int>();
        for (var label = first; label <= last; label++)
        {
            var members = Enumerable.Range(0, images.Count).Where(i => images.Labels[i] == label).ToArray();
            random.Shuffle(members);
            chosen.AddRange(members.Take((int)Math.Ceiling(members.Length * fraction)));
        }
        chosen.Sort();
        var size = images.Height * images.Width;
        var pixels = new byte[chosen.Count * size];
        var labels = new byte[chosen.Count];
        for (var i = 0; i < chosen.Count; i++)
        {
            Array.Copy(images.Pixels, (long)chosen[i] * size, pixels, (long)i * size, size);
            labels[i] = images.Labels[chosen[i]];
        }
        return new LabeledImages(images.Height, images.Width, pixels, labels, images.ClassCount);
    }

    private static TensorDataset Dataset(LabeledImages images)
    {
        var (pixels, labels) = images.ToTensors();
        return new TensorDataset(pixels, labels);
    }
}
