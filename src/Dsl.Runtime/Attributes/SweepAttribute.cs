using Dsl.Search.Trials;

namespace Dsl;

/// <summary>The validation metric a sweep optimises.</summary>
public enum Metric
{
    /// <summary>Validation accuracy (maximised by default).</summary>
    Accuracy,
    /// <summary>Validation loss (minimised by default).</summary>
    Loss,
    /// <summary>Macro-averaged validation F1 (maximised by default).</summary>
    MacroF1,
    /// <summary>Macro-averaged validation precision (maximised by default).</summary>
    MacroPrecision,
    /// <summary>Macro-averaged validation recall (maximised by default).</summary>
    MacroRecall,
}

/// <summary>
/// Marks a partial class as a hyperparameter sweep over a generated model. Its own [Hyperparameter] properties are
/// training options, matched by name: LearningRate, Optimizer, Momentum, Nesterov, BatchSize, WeightDecay,
/// LabelSmoothing, GradientClipNorm, Beta1, Beta2, Epochs, and Schedule (a <see cref="Dsl.Training.ScheduleKind"/>). The generator emits a strongly typed driver: RunAsync and a command line.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SweepAttribute : Attribute
{
    /// <summary>A sweep over <paramref name="model"/>, a [Model] class.</summary>
    public SweepAttribute(Type model) { Model = model; }

    /// <summary>The generated model the sweep trains.</summary>
    public Type Model { get; }

    /// <summary>The metric to optimise, measured on the validation set after each epoch.</summary>
    public Metric Metric { get; set; } = Metric.Accuracy;

    /// <summary>Whether to minimise or maximise <see cref="Metric"/>; when not set, the metric's natural direction.</summary>
    public StudyDirection Direction { get; set; }

    /// <summary>The most epochs a trial trains (the pruners' budget); a swept Epochs hyperparameter overrides it.</summary>
    public int Epochs { get; set; } = 6;
}
