using Dsl.ModelFusion.Progress;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Studies;

/// <summary>Which of a study's trials <see cref="StudyFusion"/> fuses, where it writes, and how it shows progress.</summary>
public sealed record StudyFusionOptions
{
    /// <summary>The study; null means the sweep's name.</summary>
    public string? Study { get; init; }

    /// <summary>How many of the best complete trials with a kept checkpoint are fused.</summary>
    public int Top { get; init; } = 5;

    /// <summary>
    /// For a soup: fine-tune this many variants of the best trial from its checkpoint and soup them with it, instead of
    /// souping the top trials (independent trainings rarely soup). 0 soups the top trials.
    /// </summary>
    public int FineTune { get; init; }

    /// <summary>Epochs each fine-tuned variant trains.</summary>
    public int FineTuneEpochs { get; init; } = 2;

    /// <summary>
    /// The folder fused artifacts go in (<c>ensemble-&lt;method&gt;/</c>, <c>soup.pt</c>, <c>fine-tune/&lt;i&gt;/</c>); null
    /// means <c>fusion/</c> in the sweep's output folder (the folder holding the trials' checkpoints), else <c>runs/&lt;study&gt;/fusion</c>.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>
    /// The training options the sweep started from before its hyperparameters were applied (its <c>SweepOptions.Training</c>);
    /// fine-tuning rebuilds the best trial's options from them.
    /// </summary>
    public TrainingOptions? Training { get; init; }

    /// <summary>
    /// A soup recomputes BatchNorm statistics on at most this many training samples (a seeded random subset); null uses
    /// them all. Each greedy candidate needs its own pass, and the statistics of 10,000 samples are as good as of 60,000.
    /// </summary>
    public int? BatchNormSamples { get; init; } = 10_000;

    /// <summary>Where models are loaded, evaluated and fine-tuned; null means the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Seeds the stacking folds and the fine-tuned variants' settings.</summary>
    public int Seed { get; init; }

    /// <summary>Record the result as a study attribute (<c>fusion:&lt;method&gt;</c>), which reports and dashboards show.</summary>
    public bool Record { get; init; } = true;

    /// <summary>Shows the long steps: evaluating members, fitting, fine-tuning epochs, the soup's candidates.</summary>
    public FusionProgress Progress { get; init; } = FusionProgress.None;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Top < 1) throw new ArgumentException($"StudyFusionOptions.Top must be at least 1, but is {Top}.", nameof(Top));
        if (FineTune < 0) throw new ArgumentException($"StudyFusionOptions.FineTune must be at least 0, but is {FineTune}.", nameof(FineTune));
        if (FineTuneEpochs < 1) throw new ArgumentException($"StudyFusionOptions.FineTuneEpochs must be at least 1, but is {FineTuneEpochs}.", nameof(FineTuneEpochs));
        if (BatchNormSamples is < 1)
            throw new ArgumentException($"StudyFusionOptions.BatchNormSamples must be at least 1 or null (all), but is {BatchNormSamples}.", nameof(BatchNormSamples));
        ArgumentNullException.ThrowIfNull(Progress, nameof(Progress));
    }
}
