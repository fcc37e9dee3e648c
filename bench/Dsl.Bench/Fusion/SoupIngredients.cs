using Dsl.Checkpoints;
using Dsl.ModelFusion.Soups;
using Dsl.Search.Trials;
using Dsl.Sweeps;

namespace Dsl.Bench.Fusion;

/// <summary>Where the fusion benchmark's greedy soup gets its ingredients: the one place to change the soup's recipe.</summary>
/// <remarks>
/// Soups only help for models fine-tuned from one initialisation (Wortsman et al. 2022); the sweep's trials are
/// independent trainings. So the ingredients are the best trial and <see cref="FusionBenchSettings.FineTuneVariants"/>
/// variants fine-tuned from its checkpoint by Dsl.ModelFusion's recipe (sampled learning rate, weight decay, label
/// smoothing, augmentation and seed), which stay in one basin of the loss and average well.
/// </remarks>
internal static class SoupIngredients
{
    /// <summary>The models to soup, the best trial's first; the caller disposes them.</summary>
    /// <param name="ranked">The sweep's complete trials with a kept checkpoint, best first.</param>
    /// <param name="data">The sweep's data: variants train on its training split and are scored on its validation split.</param>
    /// <param name="settings">How many variants, and their epochs.</param>
    /// <param name="folder">The benchmark's output folder; variants go to its <c>fine-tune</c> folder and a rerun reuses them.</param>
    /// <param name="log">Progress lines.</param>
    public static IReadOnlyList<FusionBenchCnn> For(
        IReadOnlyList<TrialRecord> ranked, SweepData data, FusionBenchSettings settings, string folder, TextWriter log)
    {
        var best = ranked[0];
        var variants = FineTuningRecipe.Run<FusionBenchCnn, FusionBenchCnn.Hyperparameters>(
            best.Attributes[SweepAttributeKeys.Checkpoint], FusionStages.TrialTraining(best), data.Train, data.Validation,
            Path.Combine(folder, "fine-tune"), new FineTuneOptions { Variants = settings.FineTuneVariants, Epochs = settings.FineTuneEpochs });
        foreach (var variant in variants)
            log.WriteLine($"fusion: soup ingredient: variant {variant.Index} fine-tuned from trial {best.Number}" + (variant.Reused ? " (reused)" : "") +
                          $": {variant.Settings}");
        var ingredients = new List<FusionBenchCnn> { FusionStages.Load(best) };
        try
        {
            foreach (var variant in variants)
                ingredients.Add(Checkpoint.Load<FusionBenchCnn, FusionBenchCnn.Hyperparameters>(variant.Path));
            return ingredients;
        }
        catch
        {
            foreach (var ingredient in ingredients) ingredient.Dispose();
            throw;
        }
    }
}
