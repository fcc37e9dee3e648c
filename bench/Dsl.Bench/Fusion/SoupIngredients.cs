using Dsl.Search.Trials;

namespace Dsl.Bench.Fusion;

/// <summary>Where the fusion benchmark's greedy soup gets its ingredients: the one place to change the soup's recipe.</summary>
/// <remarks>
/// Soups only help for models fine-tuned from one initialisation. The sweep's trials are independent trainings (each
/// has its own seed), so today the greedy soup can only keep the best trial and measures what that costs: nothing
/// beyond the BatchNorm pass. When the fine-tune recipe of issue 11 item 2 exists in Dsl.ModelFusion (N variants
/// fine-tuned from the best checkpoint with sampled settings), <see cref="For"/> should return those variants instead.
/// </remarks>
internal static class SoupIngredients
{
    /// <summary>The models to soup, best trial's first; the caller disposes them.</summary>
    /// <param name="ranked">The sweep's complete trials with a kept checkpoint, best first.</param>
    /// <param name="load">Loads a trial's checkpoint.</param>
    /// <param name="log">Progress lines.</param>
    public static IReadOnlyList<FusionBenchCnn> For(IReadOnlyList<TrialRecord> ranked, Func<TrialRecord, FusionBenchCnn> load, TextWriter log)
    {
        // Today: the ranked trials of the best trial's architecture (equal model hyperparameters, so equal layers and shapes).
        var architecture = FusionBenchCnn.Hyperparameters.FromValues(ranked[0].Parameters);
        var chosen = ranked.Where(t => FusionBenchCnn.Hyperparameters.FromValues(t.Parameters) == architecture).ToList();
        log.WriteLine($"fusion: soup ingredients: {chosen.Count} trial(s) of the best trial's architecture ({architecture}): " +
                      string.Join(", ", chosen.Select(t => t.Number)));
        var ingredients = new List<FusionBenchCnn>();
        foreach (var trial in chosen) ingredients.Add(load(trial));
        return ingredients;
    }
}
