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
/// Marks a partial class as a hyperparameter sweep, over a generated model or over the class's own objective. The
/// generator emits a strongly typed driver: RunAsync and a command line.
/// </summary>
/// <remarks>
/// <para>
/// <c>[Sweep(typeof(SomeModel))]</c> trains a [Model] class. The sweep's own [Hyperparameter] properties are training
/// options, matched by name: LearningRate, Optimizer, Momentum, Nesterov, BatchSize, WeightDecay, LabelSmoothing,
/// GradientClipNorm, Beta1, Beta2, Epochs, and Schedule (a <see cref="Dsl.Training.ScheduleKind"/>).
/// </para>
/// <para>
/// <c>[Sweep]</c> without a model sweeps user code: the class declares any [Hyperparameter] properties and one instance
/// method <c>public Task&lt;double&gt; ObjectiveAsync(ObjectiveTrial trial, CancellationToken cancellationToken)</c>,
/// which reads the properties, may report intermediate values to the trial for pruning, and returns the value to
/// optimise (minimised unless <see cref="Direction"/> says otherwise).
/// </para>
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SweepAttribute : Attribute
{
    /// <summary>A sweep of the class's own <c>ObjectiveAsync</c> method.</summary>
    public SweepAttribute() { }

    /// <summary>A sweep over <paramref name="model"/>, a [Model] class.</summary>
    public SweepAttribute(Type model) { Model = model; }

    /// <summary>The generated model the sweep trains, or null for a sweep of the class's own objective.</summary>
    public Type? Model { get; }

    /// <summary>The metric to optimise, measured on the validation set after each epoch.</summary>
    public Metric Metric { get; set; } = Metric.Accuracy;

    /// <summary>Whether to minimise or maximise <see cref="Metric"/> (or the objective); when not set, the metric's natural direction (an objective is minimised).</summary>
    public StudyDirection Direction { get; set; }

    /// <summary>The most epochs a trial trains (the pruners' budget); a swept Epochs hyperparameter overrides it.</summary>
    public int Epochs { get; set; } = 6;

    /// <summary>For a sweep of user code: the most steps its objective reports (the pruners' budget).</summary>
    public int Steps { get; set; } = 1;
}
