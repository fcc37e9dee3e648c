using Dsl.Search.Trials;
using Dsl.Training;

namespace Dsl.Sweeps;

/// <summary>
/// What a generated [Sweep] class tells the runner: its name, objective, epoch budget and how its typed training
/// hyperparameters become <see cref="TrainingOptions"/>.
/// </summary>
/// <param name="Name">The sweep class's name; the default study name.</param>
/// <param name="Metric">The validation metric to optimise.</param>
/// <param name="Direction">Whether smaller or larger values of <paramref name="Metric"/> are better.</param>
/// <param name="Epochs">The most epochs a trial trains.</param>
/// <param name="Configure">Applies the sweep's typed hyperparameters to the base training options.</param>
public sealed record SweepDefinition<TSweepHyperparameters>(
    string Name,
    Metric Metric,
    StudyDirection Direction,
    int Epochs,
    Func<TrainingOptions, TSweepHyperparameters, TrainingOptions> Configure)
{
    /// <summary>The trainer's name for <see cref="Metric"/> (always measured on validation data).</summary>
    public MonitoredMetric Monitored => Metric switch
    {
        Metric.Accuracy => MonitoredMetric.ValidationAccuracy,
        Metric.Loss => MonitoredMetric.ValidationLoss,
        Metric.MacroF1 => MonitoredMetric.ValidationMacroF1,
        Metric.MacroPrecision => MonitoredMetric.ValidationMacroPrecision,
        Metric.MacroRecall => MonitoredMetric.ValidationMacroRecall,
        _ => throw new ArgumentOutOfRangeException(nameof(Metric), Metric, "Unknown metric."),
    };
}
