using Dsl.Compression;
using Dsl.FineTuning;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>How a <see cref="Trainer"/> fits a model: optimizer, schedule, loss, stopping rules, device and checkpoints.</summary>
/// <remarks>
/// A <c>[Sweep]</c>'s hyperparameters set the option of the same name, and the generator reads which options exist from
/// this type, so a new option needs no generator change. Every public <c>init</c> property is an option a sweep can search
/// when a hyperparameter can hold its type: <c>int</c>, <c>long</c>, <c>double</c>, <c>float</c>, <c>bool</c>,
/// <c>string</c> or an enum (or a nullable of one). A property of any other type <c>T</c> is searchable when <c>T</c>
/// declares <c>public static T For(E)</c> for an enum <c>E</c>: the sweep declares an <c>E</c> hyperparameter and the
/// generated code converts it through that method, as <see cref="Schedule"/> is set from a <see cref="ScheduleKind"/>
/// through <see cref="LearningRateSchedule.For"/>.
/// </remarks>
public sealed record TrainingOptions
{
    /// <summary>Full passes over the training data.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Samples per optimisation step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Base step size of the optimizer; <see cref="Schedule"/> scales it per step.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Seeds shuffling and dropout, so equal seeds give bit-identical runs on CPU with a fixed thread count. Weight
    /// initialisation happens when the model is built: seed it with <see cref="Trainer.CreateModel{TModel, THyperparameters}"/>.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Momentum of SGD and RMSprop (PyTorch's default, 0, turns it off); ignored by the Adam family.</summary>
    public double Momentum { get; init; }

    /// <summary>Use Nesterov momentum with SGD; needs <see cref="Momentum"/> &gt; 0.</summary>
    public bool Nesterov { get; init; }

    /// <summary>First-moment decay of Adam, AdamW and NAdam.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay of Adam, AdamW and NAdam.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Weight decay: decoupled for AdamW, an L2 term added to the gradient for the others.</summary>
    public double WeightDecay { get; init; }

    /// <summary>When set, gradients are rescaled so their global L2 norm is at most this value.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>How the learning rate changes over training.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>The loss minimised; it also decides which metrics evaluations compute.</summary>
    public LossKind Loss { get; init; } = LossKind.CrossEntropy;

    /// <summary>Label smoothing of the cross-entropy loss, in [0, 1).</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Stop when a monitored metric stops improving; null trains for every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Where the model, its batches and the optimizer live; null means the CPU.</summary>
    public Device? Device { get; init; }

    /// <summary>Samples per forward pass when evaluating; null uses max(<see cref="BatchSize"/>, 512).</summary>
    public int? EvaluationBatchSize { get; init; }

    /// <summary>Reshuffle the training samples every epoch (seeded by <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Skip the last batch of an epoch when it is smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLastBatch { get; init; }

    /// <summary>When set, a resumable checkpoint (weights, optimizer, progress) is written here after every epoch.</summary>
    /// <remarks>Not a sweep option: trials keep their checkpoints in the study's artifact store.</remarks>
    [ExcludeFromSearch]
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Stochastic weight averaging (Izmailov et al. 2018, PyTorch's AveragedModel + SWALR + update_bn): from
    /// <see cref="SwaStartEpoch"/> the learning rate anneals to <see cref="SwaLearningRate"/>, the parameters after each
    /// epoch enter an equal-weight average, and after the last epoch the model gets the average and its BatchNorm
    /// statistics are recomputed with one pass over the training data. That last epoch's validation then measures the
    /// averaged model; earlier epochs measure the weights as trained. A run that ends before its last epoch (early
    /// stopping, pruning, a callback, cancellation, divergence) keeps its trained weights, not the average.
    /// </summary>
    public bool Swa { get; init; }

    /// <summary>The first epoch whose weights <see cref="Swa"/> averages; null means 75% of the way through (rounded up).</summary>
    public int? SwaStartEpoch { get; init; }

    /// <summary>The learning rate <see cref="Swa"/> anneals to and holds; null means half of <see cref="LearningRate"/>.</summary>
    public double? SwaLearningRate { get; init; }

    /// <summary>Epochs over which the learning rate anneals to <see cref="SwaLearningRate"/>; 0 switches at once.</summary>
    public int SwaAnnealEpochs { get; init; } = 1;

    /// <summary>The shape of the anneal to <see cref="SwaLearningRate"/>.</summary>
    public SwaAnnealing SwaAnnealStrategy { get; init; } = SwaAnnealing.Cosine;

    /// <summary>
    /// Shifts training images (N×C×H×W inputs) by up to this many pixels each way, filling with 0: a random crop of the
    /// zero-padded image. 0 is off. Augmentation happens on the device, seeded by <see cref="Seed"/>, on training batches only.
    /// </summary>
    public int AugmentShift { get; init; }

    /// <summary>Flips half of the training images left to right.</summary>
    public bool AugmentFlip { get; init; }

    /// <summary>The probability that a training image gets a random rectangle (2% to 33% of it) set to 0; 0 is off.</summary>
    public double AugmentErase { get; init; }

    /// <summary>
    /// Magnitude pruning: the fraction in [0, 1) of the pruned layers' weights that are zero when pruning ends; 0 is off.
    /// Pruning happens at the start of the epochs <see cref="PruneSchedule"/> names, and after every optimizer step the
    /// pruned weights are set to zero again, so later epochs fine-tune the rest. The zeros are in the weights themselves:
    /// every checkpoint holds them. Epoch reports carry the sparsity reached. Frozen layers (<see cref="FreezeLayers"/>,
    /// [Frozen] blocks) are never pruned: frozen means unchanged.
    /// </summary>
    public double PruneTargetSparsity { get; init; }

    /// <summary>Which weights pruning removes: globally smallest, smallest per layer, or whole neurons and filters.</summary>
    public PruningMethod PruneMethod { get; init; } = PruningMethod.Global;

    /// <summary>
    /// Comma-separated globs over state-dict names selecting the weights to prune, for example "conv*,fc1"; null prunes
    /// every weight of two or more dimensions (Linear, Conv, Embedding), except the output layer under structured pruning.
    /// </summary>
    public string? PruneLayers { get; init; }

    /// <summary>How the pruned fraction grows: all at once, in equal steps, or along Zhu and Gupta's cubic curve.</summary>
    public PruningSchedule PruneSchedule { get; init; } = PruningSchedule.OneShot;

    /// <summary>The epoch that starts with the first pruning step.</summary>
    public int PruneStartEpoch { get; init; } = 1;

    /// <summary>The epoch that starts with the last pruning step of Steps and Cubic; null means the last epoch.</summary>
    public int? PruneEndEpoch { get; init; }

    /// <summary>Epochs between pruning steps of Steps and Cubic.</summary>
    public int PruneEveryEpochs { get; init; } = 1;

    /// <summary>The norm, 1 or 2, that ranks neurons and filters under structured pruning.</summary>
    public int PruneNorm { get; init; } = 1;

    /// <summary>
    /// Comma-separated globs over state-dict names (a module name selects all its entries: "conv1", "stem*") whose
    /// parameters do not train; null freezes nothing. The model leaves the run with every parameter trainable again.
    /// </summary>
    public string? FreezeLayers { get; init; }

    /// <summary>Keeps the BatchNorm layers that <see cref="FreezeLayers"/> selects in eval mode, so their running statistics stay as loaded.</summary>
    public bool FreezeBatchNorm { get; init; }

    /// <summary>Trains the blocks the model marks [Frozen] too, for example to pretrain them.</summary>
    public bool TrainFrozenBlocks { get; init; }

    /// <summary>Globs over state-dict names of parameters that train at <see cref="HeadLearningRate"/>, for example a new classifier head.</summary>
    public string? HeadLayers { get; init; }

    /// <summary>The base learning rate of <see cref="HeadLayers"/>; the schedule scales it like <see cref="LearningRate"/>. Null uses LearningRate.</summary>
    public double? HeadLearningRate { get; init; }

    /// <summary>CUDA when a CUDA device is available, the CPU otherwise.</summary>
    public static Device CudaIfAvailable => cuda.is_available() ? CUDA : CPU;

    /// <summary>The evaluation batch size actually used.</summary>
    internal int EffectiveEvaluationBatchSize => EvaluationBatchSize ?? Math.Max(BatchSize, 512);

    /// <summary>The SWA start epoch actually used.</summary>
    internal int EffectiveSwaStartEpoch => SwaStartEpoch ?? Math.Max(1, (int)Math.Ceiling(Epochs * 0.75));

    /// <summary>The SWA learning rate actually used.</summary>
    internal double EffectiveSwaLearningRate => SwaLearningRate ?? LearningRate / 2;

    /// <summary>The last pruning epoch actually used.</summary>
    internal int EffectivePruneEndEpoch => PruneEndEpoch ?? Epochs;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, but is {Epochs}.", nameof(Epochs));
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, but is {BatchSize}.", nameof(BatchSize));
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"LearningRate must be a positive number, but is {LearningRate}.", nameof(LearningRate));
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"Optimizer {Optimizer} is not a known optimizer.", nameof(Optimizer));
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"Loss {Loss} is not a known loss.", nameof(Loss));
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"Momentum must lie in [0, 1), but is {Momentum}.", nameof(Momentum));
        if (Nesterov && (Optimizer != OptimizerKind.Sgd || Momentum == 0))
            throw new ArgumentException("Nesterov momentum needs the SGD optimizer and a Momentum above 0.", nameof(Nesterov));
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"Beta1 must lie in [0, 1), but is {Beta1}.", nameof(Beta1));
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Beta2 must lie in [0, 1), but is {Beta2}.", nameof(Beta2));
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new ArgumentException($"WeightDecay must be a finite number ≥ 0, but is {WeightDecay}.", nameof(WeightDecay));
        if (GradientClipNorm is { } clip && (!(clip > 0) || double.IsInfinity(clip)))
            throw new ArgumentException($"GradientClipNorm must be a positive number, but is {clip}.", nameof(GradientClipNorm));
        if (Schedule is null) throw new ArgumentException("Schedule must not be null; use LearningRateSchedule.Constant.", nameof(Schedule));
        Schedule.Validate();
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1))
            throw new ArgumentException($"LabelSmoothing must lie in [0, 1), but is {LabelSmoothing}.", nameof(LabelSmoothing));
        if (LabelSmoothing > 0 && Loss != LossKind.CrossEntropy)
            throw new ArgumentException($"LabelSmoothing applies to the cross-entropy loss only, but Loss is {Loss}.", nameof(LabelSmoothing));
        EarlyStopping?.Validate();
        if (EvaluationBatchSize is < 1)
            throw new ArgumentException($"EvaluationBatchSize must be at least 1, but is {EvaluationBatchSize}.", nameof(EvaluationBatchSize));
        if (Swa) ValidateSwa();
        if (AugmentShift < 0) throw new ArgumentException($"AugmentShift must be at least 0 pixels, but is {AugmentShift}.", nameof(AugmentShift));
        if (!(AugmentErase >= 0 && AugmentErase <= 1))
            throw new ArgumentException($"AugmentErase must be a probability in [0, 1], but is {AugmentErase}.", nameof(AugmentErase));
        if (!(PruneTargetSparsity >= 0 && PruneTargetSparsity < 1))
            throw new ArgumentException($"PruneTargetSparsity must lie in [0, 1), but is {PruneTargetSparsity}.", nameof(PruneTargetSparsity));
        if (PruneTargetSparsity > 0) ValidatePruning();
        if (FreezeLayers is not null) LayerPattern.Parse(FreezeLayers, nameof(FreezeLayers));
        if (FreezeBatchNorm && FreezeLayers is null)
            throw new ArgumentException("FreezeBatchNorm keeps the BatchNorm layers of FreezeLayers in eval mode, but FreezeLayers is null.", nameof(FreezeBatchNorm));
        if (HeadLayers is not null) LayerPattern.Parse(HeadLayers, nameof(HeadLayers));
        if (HeadLearningRate is not null && HeadLayers is null)
            throw new ArgumentException("HeadLearningRate is the learning rate of HeadLayers, but HeadLayers is null.", nameof(HeadLearningRate));
        if (HeadLearningRate is { } headRate && (!(headRate > 0) || double.IsInfinity(headRate)))
            throw new ArgumentException($"HeadLearningRate must be a positive number, but is {headRate}.", nameof(HeadLearningRate));
        if (CheckpointPath is { Length: 0 }) throw new ArgumentException("CheckpointPath must not be empty; use null for none.", nameof(CheckpointPath));
    }

    private void ValidatePruning()
    {
        if (!Enum.IsDefined(PruneMethod))
            throw new ArgumentException($"PruneMethod {PruneMethod} is not a known method; expected Global, PerLayer or Structured.", nameof(PruneMethod));
        if (!Enum.IsDefined(PruneSchedule))
            throw new ArgumentException($"PruneSchedule {PruneSchedule} is not a known schedule; expected OneShot, Steps or Cubic.", nameof(PruneSchedule));
        if (PruneStartEpoch < 1 || PruneStartEpoch > Epochs)
            throw new ArgumentException($"PruneStartEpoch must lie in [1, Epochs = {Epochs}], but is {PruneStartEpoch}.", nameof(PruneStartEpoch));
        if (PruneEndEpoch is { } end && (end < PruneStartEpoch || end > Epochs))
            throw new ArgumentException($"PruneEndEpoch must lie in [PruneStartEpoch = {PruneStartEpoch}, Epochs = {Epochs}], but is {end}.", nameof(PruneEndEpoch));
        if (PruneEveryEpochs < 1) throw new ArgumentException($"PruneEveryEpochs must be at least 1, but is {PruneEveryEpochs}.", nameof(PruneEveryEpochs));
        if (PruneNorm is not (1 or 2)) throw new ArgumentException($"PruneNorm must be 1 or 2, but is {PruneNorm}.", nameof(PruneNorm));
        if (PruneLayers is not null) LayerPattern.Parse(PruneLayers, nameof(PruneLayers));
    }

    private void ValidateSwa()
    {
        if (SwaStartEpoch is { } start && (start < 1 || start > Epochs))
            throw new ArgumentException($"SwaStartEpoch must lie in [1, Epochs = {Epochs}], but is {start}.", nameof(SwaStartEpoch));
        if (SwaLearningRate is { } rate && (!(rate > 0) || double.IsInfinity(rate)))
            throw new ArgumentException($"SwaLearningRate must be a positive number, but is {rate}.", nameof(SwaLearningRate));
        if (SwaAnnealEpochs < 0) throw new ArgumentException($"SwaAnnealEpochs must be at least 0, but is {SwaAnnealEpochs}.", nameof(SwaAnnealEpochs));
        if (!Enum.IsDefined(SwaAnnealStrategy))
            throw new ArgumentException($"SwaAnnealStrategy {SwaAnnealStrategy} is not a known strategy; expected Cosine or Linear.", nameof(SwaAnnealStrategy));
    }
}
