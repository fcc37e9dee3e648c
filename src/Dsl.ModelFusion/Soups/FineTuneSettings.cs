using Dsl.Training;

namespace Dsl.ModelFusion.Soups;

/// <summary>The training settings one fine-tuned variant was sampled: what makes the soup's ingredients differ.</summary>
/// <param name="LearningRate">The variant's learning rate: the trial's times a log-uniform factor.</param>
/// <param name="WeightDecay">Weight decay.</param>
/// <param name="LabelSmoothing">Label smoothing (0 unless the loss is cross-entropy).</param>
/// <param name="AugmentShift">Random shift in pixels (image inputs only).</param>
/// <param name="AugmentFlip">Random horizontal flips (image inputs only).</param>
/// <param name="AugmentErase">Random-erasing probability (image inputs only).</param>
/// <param name="Seed">Seeds the variant's shuffles, dropout and augmentation.</param>
public sealed record FineTuneSettings(
    double LearningRate, double WeightDecay, double LabelSmoothing, int AugmentShift, bool AugmentFlip, double AugmentErase, int Seed)
{
    private static readonly double[] WeightDecays = [0, 1e-5, 1e-4, 5e-4];
    private static readonly double[] LabelSmoothings = [0, 0.05, 0.1];
    private static readonly int[] Shifts = [0, 1, 2];
    private static readonly double[] Erasures = [0, 0.1, 0.25];

    /// <summary>
    /// Samples variant <paramref name="index"/>'s settings around the trial's <paramref name="trial"/> options. The draw
    /// depends only on <see cref="FineTuneOptions.Seed"/>, the index and the trial's options, so asking for more variants
    /// later keeps the first ones. Without <paramref name="images"/> (no N×C×H×W input) the draw is the same, with augmentation off.
    /// </summary>
    public static FineTuneSettings Sample(TrainingOptions trial, int index, FineTuneOptions options, bool images = true)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(unchecked(options.Seed * 7919 + index * 104729 + 17));
        var logLow = Math.Log(options.MinLearningRateScale);
        var scale = Math.Exp(logLow + random.NextDouble() * (Math.Log(options.MaxLearningRateScale) - logLow));
        T Pick<T>(T[] choices) => choices[random.Next(choices.Length)];
        var weightDecay = Pick(WeightDecays);
        var smoothing = Pick(LabelSmoothings);
        var shift = Pick(Shifts);
        var flip = random.Next(2) == 1;
        var erase = Pick(Erasures);
        var seed = random.Next();
        return new FineTuneSettings(trial.LearningRate * scale, weightDecay, trial.Loss == LossKind.CrossEntropy ? smoothing : 0,
            images ? shift : 0, images && flip, images ? erase : 0, seed);
    }

    /// <summary>
    /// The trial's options with these settings, for <paramref name="epochs"/> epochs: no early stopping, no SWA and no
    /// resumable checkpoint, so each variant is its last epoch's weights.
    /// </summary>
    public TrainingOptions Apply(TrainingOptions trial, int epochs)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial with
        {
            Epochs = epochs,
            LearningRate = LearningRate,
            WeightDecay = WeightDecay,
            LabelSmoothing = LabelSmoothing,
            AugmentShift = AugmentShift,
            AugmentFlip = AugmentFlip,
            AugmentErase = AugmentErase,
            Seed = Seed,
            EarlyStopping = null,
            Swa = false,
            CheckpointPath = null,
        };
    }
}
