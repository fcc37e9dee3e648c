using Dsl.Search;
using Dsl.Search.Trials;

namespace Dsl.Reporting;

/// <summary>
/// Estimates which parameters matter, with fANOVA main effects of a random forest fitted to the complete trials.
/// </summary>
/// <remarks>
/// <para>
/// Each complete trial with a finite value becomes a point in the unit cube: numeric parameters are scaled linearly
/// from their declared range to [0, 1] (by their logarithm where the parameter is declared log-scaled), and a
/// categorical's choices take equal cells of [0, 1] in declaration order. A parameter absent from some trials
/// (a conditional one) keeps [0, 0.1) for "absent" and maps its values onto [0.1, 1], so being inactive counts as
/// one more level of it. A parameter the space does not declare is scaled over the range the trials show, by its
/// logarithm where its values are positive and span three decades or more.
/// </para>
/// <para>
/// A forest of 64 regression trees, each grown fully on a bootstrap sample drawn from a fixed seed, is fitted to the
/// objective values. For each tree the functional ANOVA decomposition under the uniform measure is computed exactly,
/// and a parameter's main effect is the variance of the tree's marginal along that parameter divided by the tree's
/// variance. Main effects are averaged over the trees and then normalised to sum to 1, as Optuna's
/// <c>FanovaImportanceEvaluator</c> does; interactions are not attributed to any parameter. The same trials always
/// give the same scores, in whatever order they are passed; a parameter that never varies scores 0.
/// </para>
/// <para>
/// A split that separates the trials exactly as well on two parameters goes to the one declared first. Being absent
/// says the same as the value of the parameter a conditional one depends on, and that parameter is always declared
/// earlier, so the credit stays with it rather than being shared with its conditional children.
/// </para>
/// </remarks>
public static class ParameterImportance
{
    private const double AbsentWidth = 0.1;

    /// <summary>With at least this many complete trials, importance always explains their final values.</summary>
    private const int MinimumComplete = 10;

    /// <summary>Importance scores from most to least important, or an empty list when they cannot be estimated.</summary>
    public static IReadOnlyList<ParameterImportanceScore> Estimate(IReadOnlyList<TrialRecord> trials, SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(space);
        var data = new ReportData("study", trials, space, StudyDirection.Minimize, "value");
        return Estimate(data, out _, out _);
    }

    /// <summary>Where <c>basis</c> names the metric; each page puts the name there formatted as its code.</summary>
    internal const string MetricSlot = "{metric}";

    /// <summary>The scores for a report, with the reason when there are none and a description of the values they explain.</summary>
    /// <remarks>
    /// With fewer than two complete trials, as aggressive pruning leaves, the scores explain each trial's value at the
    /// last step that every complete and pruned trial reported (the first rung), so a pruned sweep still has them.
    /// </remarks>
    internal static IReadOnlyList<ParameterImportanceScore> Estimate(ReportData data, out string? whyNot, out string basis)
    {
        whyNot = null;
        basis = $"the final {MetricSlot} of the complete trials";
        if (data.Axes.Count == 0)
        {
            whyNot = "the study has no parameters";
            return [];
        }
        var explained = data.Complete;
        // Pruning leaves few complete trials; below ten, and below half of those that reached a common step, that step's values say more.
        if (explained.Count < MinimumComplete && CommonStep(data) is var (step, values) && values.Count >= 2
            && (explained.Count < 2 || explained.Count < values.Count / 2))
        {
            explained = values;
            basis = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"each trial's {MetricSlot} at step {step}, the last step all {values.Count} complete and pruned trials reported (pruning left {ReportData.Count(data.Complete.Count, "complete trial", "complete trials")})");
        }
        if (explained.Count < 2)
        {
            whyNot = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"it needs at least 2 complete trials with a finite value, or 2 complete or pruned trials reporting a common step, and there {(data.Complete.Count == 1 ? "is 1 complete trial" : $"are {data.Complete.Count} complete trials")}");
            return [];
        }
        return Estimate(data, explained, out whyNot);
    }

    /// <summary>The last step every complete and pruned trial reported, with each trial's value there.</summary>
    private static (int Step, List<TrialValue> Values)? CommonStep(ReportData data)
    {
        var trials = data.Complete.Concat(data.Pruned).Select(t => t.Trial).ToList();
        if (trials.Count < 2) return null;
        var curves = trials.Select(ReportData.CurveOf).ToList();
        var common = curves.Select(c => c.Select(p => p.Step)).Aggregate((a, b) => a.Intersect(b)).ToList();
        if (common.Count == 0) return null;
        var step = common.Max();
        return (step, trials.Select((t, i) => new TrialValue(t, curves[i].First(p => p.Step == step).Value)).ToList());
    }

    private static IReadOnlyList<ParameterImportanceScore> Estimate(ReportData data, IReadOnlyList<TrialValue> explained, out string? whyNot)
    {
        whyNot = null;
        var rows = new List<double[]>(explained.Count);
        var conditional = data.Axes.Select(a => explained.Any(c => a.Position(c.Trial) is null)).ToArray();
        foreach (var (trial, _) in explained)
        {
            var row = new double[data.Axes.Count];
            for (var d = 0; d < row.Length; d++)
            {
                var position = data.Axes[d].Position(trial);
                row[d] = !conditional[d] ? position!.Value
                    : position is { } u ? AbsentWidth + (1 - AbsentWidth) * u
                    : AbsentWidth / 2;
            }
            rows.Add(row);
        }

        var effects = FanovaForest.MainEffects(rows, explained.Select(c => c.Value).ToList());
        if (effects is null)
        {
            whyNot = explained.Select(c => c.Value).Distinct().Count() == 1
                ? $"every trial it would explain has the same {data.MetricName}"
                : "no parameter varies across the trials it would explain";
            return [];
        }
        var total = effects.Sum();
        if (!(total > 0))
        {
            whyNot = $"no parameter explains any of the variation in {data.MetricName} on its own";
            return [];
        }
        return data.Axes
            .Select((axis, d) => new ParameterImportanceScore(axis.Name, effects[d] / total))
            .OrderByDescending(s => s.Importance)
            .ToList();
    }
}
