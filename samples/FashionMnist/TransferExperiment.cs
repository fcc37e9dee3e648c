using System.Globalization;
using Dsl.Checkpoints;
using Dsl.Datasets;
using Dsl.Training;
using Dsl.Transfer;

namespace FashionMnistSample;

/// <summary>What one transfer experiment measured on the target classes' test images.</summary>
/// <param name="PretrainAccuracy">The pretrained model's accuracy on the source classes' test images.</param>
/// <param name="TransferAccuracy">The model started from the pretrained stem, with a new head, fine-tuned on the target data.</param>
/// <param name="ScratchAccuracy">The same model trained from scratch on the same data for the same epochs.</param>
/// <param name="TargetTrainSamples">Target training images used by both.</param>
/// <param name="Load">What the transfer took from the pretrained checkpoint.</param>
public sealed record TransferOutcome(double PretrainAccuracy, double TransferAccuracy, double ScratchAccuracy, int TargetTrainSamples, WeightLoadReport Load)
{
    /// <summary>Transfer minus scratch accuracy.</summary>
    public double Gain => TransferAccuracy - ScratchAccuracy;
}

/// <summary>
/// Transfer learning on Fashion-MNIST: FashionCnn pretrained on classes 0–4, then moved to classes 5–9 with a share of
/// their training images, a new head (fc2) and the convolutional stem frozen (its BatchNorm statistics too); compared
/// with the same network trained from scratch on the same images for the same epochs.
/// </summary>
public static class TransferExperiment
{
    /// <summary>The frozen stem: both convolution blocks with their BatchNorm layers.</summary>
    public const string Stem = "conv1,bn1,conv2,bn2";

    /// <summary>The head a transfer replaces.</summary>
    public const string Head = "fc2";

    /// <summary>Runs the experiment; <paramref name="log"/> gets one line per stage.</summary>
    /// <param name="data">Fashion-MNIST.</param>
    /// <param name="pretrainEpochs">Epochs on all training images of classes 0–4.</param>
    /// <param name="epochs">Epochs of both the transfer and the scratch run on the target data.</param>
    /// <param name="targetFraction">The share of the target classes' training images both runs get.</param>
    /// <param name="seed">Seeds the subset, the weights and shuffling.</param>
    /// <param name="log">Progress lines.</param>
    public static TransferOutcome Run(FashionMnistData data, int pretrainEpochs, int epochs, double targetFraction, int seed, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(log);
        if (!(targetFraction > 0 && targetFraction <= 1))
            throw new ArgumentException($"The target fraction must lie in (0, 1], but is {targetFraction}.", nameof(targetFraction));
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

            var options = new TrainingOptions { Epochs = epochs, Seed = seed + 1, Schedule = LearningRateSchedule.Cosine() };
            // Both runs start from the same fresh weights; the transfer then overwrites all but the head with the pretrained ones.
            WeightLoadReport load;
            double transferAccuracy;
            using (var transferred = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, seed + 1))
            {
                load = PretrainedWeights.LoadCheckpoint(transferred, checkpoint, WeightLoading.Lenient, new KeyMap(new Dictionary<string, string> { [Head] = "" }));
                var trainer = new Trainer(options with { FreezeLayers = Stem, FreezeBatchNorm = true });
                trainer.Fit(transferred, target).EnsureNotDiverged();
                transferAccuracy = trainer.Evaluate(transferred, targetTest).Accuracy;
            }
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transfer to classes 5-9 ({target.Count} images, {epochs} epochs, {load}): test accuracy {transferAccuracy:F4}"));

            double scratchAccuracy;
            using (var scratch = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, seed + 1))
            {
                var trainer = new Trainer(options);
                trainer.Fit(scratch, target).EnsureNotDiverged();
                scratchAccuracy = trainer.Evaluate(scratch, targetTest).Accuracy;
            }
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scratch on classes 5-9 ({target.Count} images, {epochs} epochs): test accuracy {scratchAccuracy:F4}"));
            return new TransferOutcome(pretrainAccuracy, transferAccuracy, scratchAccuracy, targetImages.Count, load);
        }
        finally
        {
            foreach (var file in new[] { checkpoint, Checkpoint.MetadataPath(checkpoint) })
                if (File.Exists(file)) File.Delete(file);
        }
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
