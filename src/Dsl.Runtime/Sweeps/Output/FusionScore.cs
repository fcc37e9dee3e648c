namespace Dsl.Sweeps.Output;

/// <summary>One row of a fusion's table: a member or the fused model, its accuracies and its inference cost.</summary>
/// <param name="Name">What the row is: "trial 3", "fine-tuned 2", "ensemble (weighted)", "greedy soup".</param>
/// <param name="Trials">The study trials the model comes from (a fine-tuned variant: the trial it started from).</param>
/// <param name="ValidationAccuracy">Accuracy on the sweep's validation data.</param>
/// <param name="TestAccuracy">Accuracy on the test set, or null when the data had none.</param>
/// <param name="InferenceCost">Forward passes of one model per prediction: 1 for a member or a soup, the member count for an ensemble.</param>
public sealed record FusionScore(string Name, IReadOnlyList<int> Trials, double ValidationAccuracy, double? TestAccuracy, double InferenceCost)
{
    /// <summary>Whether the model is a variant fine-tuned from a trial for a soup, rather than a trial's own model or a fusion.</summary>
    public bool FineTuned { get; init; }

    /// <summary>
    /// Whether <see cref="ValidationAccuracy"/> was measured on the validation data the fusion was fitted on or chosen by
    /// (a weighted ensemble's weights, a soup's greedy choices), so it flatters the fusion; false for a cross-fitted score.
    /// </summary>
    public bool ValidationInSample { get; init; }
}
