namespace Dsl.Training;

/// <summary>Metrics of a model over a whole dataset, computed from totals rather than averaged per batch.</summary>
/// <param name="Loss">Mean loss per sample.</param>
/// <param name="Accuracy">Fraction of samples whose prediction equals the label; NaN for a regression loss.</param>
/// <param name="Count">Number of samples evaluated.</param>
public sealed record Evaluation(double Loss, double Accuracy, long Count)
{
    /// <summary>Macro-averaged precision; NaN for a regression loss.</summary>
    public double MacroPrecision { get; init; } = double.NaN;

    /// <summary>Macro-averaged recall; NaN for a regression loss.</summary>
    public double MacroRecall { get; init; } = double.NaN;

    /// <summary>Macro-averaged F1; NaN for a regression loss.</summary>
    public double MacroF1 { get; init; } = double.NaN;

    /// <summary>The confusion matrix (rows actual, columns predicted); null for a regression loss.</summary>
    public ConfusionMatrix? Confusion { get; init; }
}
