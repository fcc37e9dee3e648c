namespace Dsl.Training;

/// <summary>A per-epoch value that early stopping and pruning can watch.</summary>
public enum MonitoredMetric
{
    /// <summary>Mean training loss of the epoch (minimised).</summary>
    TrainLoss,
    /// <summary>Mean validation loss (minimised).</summary>
    ValidationLoss,
    /// <summary>Validation accuracy (maximised).</summary>
    ValidationAccuracy,
    /// <summary>Macro-averaged validation F1 (maximised).</summary>
    ValidationMacroF1,
    /// <summary>Macro-averaged validation precision (maximised).</summary>
    ValidationMacroPrecision,
    /// <summary>Macro-averaged validation recall (maximised).</summary>
    ValidationMacroRecall,
}

/// <summary>Reads and compares <see cref="MonitoredMetric"/> values.</summary>
public static class MonitoredMetrics
{
    /// <summary>Whether larger values of <paramref name="metric"/> are better.</summary>
    public static bool IsMaximized(this MonitoredMetric metric) => metric is not (MonitoredMetric.TrainLoss or MonitoredMetric.ValidationLoss);

    /// <summary>Whether <paramref name="metric"/> needs a validation set.</summary>
    public static bool NeedsValidation(this MonitoredMetric metric) => metric != MonitoredMetric.TrainLoss;

    /// <summary>The value of <paramref name="metric"/> in <paramref name="report"/>; NaN when the report lacks it.</summary>
    public static double Read(this MonitoredMetric metric, EpochReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var validation = report.Validation;
        return metric switch
        {
            MonitoredMetric.TrainLoss => report.TrainLoss,
            MonitoredMetric.ValidationLoss => validation?.Loss ?? double.NaN,
            MonitoredMetric.ValidationAccuracy => validation?.Accuracy ?? double.NaN,
            MonitoredMetric.ValidationMacroF1 => validation?.MacroF1 ?? double.NaN,
            MonitoredMetric.ValidationMacroPrecision => validation?.MacroPrecision ?? double.NaN,
            MonitoredMetric.ValidationMacroRecall => validation?.MacroRecall ?? double.NaN,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
        };
    }

    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/>.</summary>
    public static bool Improves(this MonitoredMetric metric, double candidate, double best, double minDelta = 0) =>
        metric.IsMaximized() ? candidate > best + minDelta : candidate < best - minDelta;
}
