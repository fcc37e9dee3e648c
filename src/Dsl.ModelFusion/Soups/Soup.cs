using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Soups;

/// <summary>Weight-space fusion: model soups (Wortsman et al. 2022), one model whose weights average its members'.</summary>
/// <remarks>
/// Soups work for models fine-tuned from one initialisation, not for independent trainings. Members must share one
/// architecture (class, state-dict keys, shapes and types); the first difference is a <see cref="FusionException"/>.
/// The soup is a new model: members are never changed. It costs one model's inference.
/// </remarks>
public static class Soup
{
    /// <summary>The uniform soup: every member's weights averaged, then BatchNorm statistics recomputed when <see cref="SoupOptions.BatchNormData"/> is given.</summary>
    /// <exception cref="FusionException">The members' architectures differ, or no model can be built for the soup.</exception>
    public static TModel Uniform<TModel>(IReadOnlyList<TModel> models, SoupOptions? options = null)
        where TModel : nn.Module
    {
        CheckMembers(models);
        options ??= new SoupOptions();
        var soup = SoupModels.CreateLike(models[0], options.CreateModel);
        try
        {
            using var sum = new StateDictSum(models[0]);
            foreach (var model in models.Skip(1)) sum.Add(model);
            sum.WriteAverage(soup);
            UpdateBatchNorm(soup, options);
            return soup;
        }
        catch
        {
            soup.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The greedy soup, scored by validation accuracy on <paramref name="validation"/> with <see cref="SoupOptions.Evaluator"/>
    /// (its loss must be a classification loss).
    /// </summary>
    /// <exception cref="FusionException">The members' architectures differ, no model can be built, or the evaluator gives no accuracy.</exception>
    public static TModel Greedy<TModel>(IReadOnlyList<TModel> models, TensorDataset validation, out SoupReport report, SoupOptions? options = null)
        where TModel : nn.Module<Tensor, Tensor>
    {
        ArgumentNullException.ThrowIfNull(validation);
        CheckMembers(models);
        options ??= new SoupOptions();
        var evaluator = options.Evaluator ?? new Trainer(new TrainingOptions { Device = SoupModels.DeviceOf(models[0]) });
        return Greedy(models, model => evaluator.Evaluate(model, validation).Accuracy, out report, options);
    }

    /// <summary>
    /// The greedy soup (Wortsman et al. 2022): members sorted by <paramref name="validationAccuracy"/>, best first; each
    /// following member joins the average only if the soup's validation accuracy strictly improves. For models of any
    /// arity or a custom score; the score must not change the model it is given.
    /// </summary>
    /// <exception cref="FusionException">The members' architectures differ, no model can be built, or a score is not a number.</exception>
    public static TModel Greedy<TModel>(IReadOnlyList<TModel> models, Func<TModel, double> validationAccuracy, out SoupReport report, SoupOptions? options = null)
        where TModel : nn.Module
    {
        ArgumentNullException.ThrowIfNull(validationAccuracy);
        CheckMembers(models);
        options ??= new SoupOptions();

        var memberAccuracies = models.Select((m, i) => Score(validationAccuracy, m, $"member {i}")).ToArray();
        // A stable sort: equally accurate members are tried in the order given.
        var order = Enumerable.Range(0, models.Count).OrderByDescending(i => memberAccuracies[i]).ToArray();

        var soup = SoupModels.CreateLike(models[0], options.CreateModel);
        try
        {
            using var sum = new StateDictSum(models[order[0]]);
            // The soup starts as the best member itself, with the BatchNorm statistics it was trained with: averaged
            // weights need recomputed statistics, one model's own are already right for it. So a soup no other member
            // improves is that member exactly, and the soup is never worse on validation than its best ingredient.
            var best = memberAccuracies[order[0]];
            var keptCount = 1;
            var steps = new List<SoupStep> { new(order[0], memberAccuracies[order[0]], best, true, best) };
            foreach (var member in order.Skip(1))
            {
                sum.WriteAverage(soup, models[member]);
                UpdateBatchNorm(soup, options);
                var candidate = Score(validationAccuracy, soup, $"the soup with member {member}");
                var kept = candidate > best;
                if (kept)
                {
                    sum.Add(models[member]);
                    best = candidate;
                    keptCount++;
                }
                steps.Add(new SoupStep(member, memberAccuracies[member], candidate, kept, best));
            }
            // The same deterministic steps as when the kept average was scored, so the soup returned is the one measured.
            sum.WriteAverage(soup);
            if (keptCount > 1) UpdateBatchNorm(soup, options);
            report = new SoupReport(memberAccuracies, steps);
            return soup;
        }
        catch
        {
            soup.Dispose();
            throw;
        }
    }

    private static void CheckMembers<TModel>(IReadOnlyList<TModel> models) where TModel : nn.Module
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new ArgumentException("A soup needs at least one model.", nameof(models));
        for (var i = 0; i < models.Count; i++) ArgumentNullException.ThrowIfNull(models[i], $"{nameof(models)}[{i}]");
        StateDictSum.CheckArchitectures([.. models]);
    }

    private static void UpdateBatchNorm(nn.Module soup, SoupOptions options)
    {
        if (options.BatchNormData is { } data)
            BatchNormStatistics.Recompute(soup, data, options.BatchNormBatchSize);
    }

    private static double Score<TModel>(Func<TModel, double> validationAccuracy, TModel model, string what)
    {
        var accuracy = validationAccuracy(model);
        if (double.IsNaN(accuracy))
            throw new FusionException(
                $"The validation accuracy of {what} is not a number; a greedy soup needs a classification loss or a score that gives an accuracy.");
        return accuracy;
    }
}
