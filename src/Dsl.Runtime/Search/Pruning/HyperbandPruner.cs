using Dsl.Search.Sampling;
using Dsl.Search.Trials;

namespace Dsl.Search.Pruning;

/// <summary>
/// Hyperband (Li et al. 2018) as asynchronous brackets: each trial is assigned a bracket by a stable hash of its number,
/// weighted by the bracket's budget as in Optuna, and competes under successive halving only with its bracket.
/// Bracket 0 prunes earliest (first rung at the minimum resource); the last one runs trials almost unpruned.
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly SuccessiveHalvingPruner[] brackets;
    private readonly int[] budgets;
    private readonly int totalBudget;

    /// <summary>Creates a Hyperband pruner.</summary>
    /// <param name="minResource">Steps before the most aggressive bracket's first rung.</param>
    /// <param name="maxResource">The step at which trials end (the number of epochs).</param>
    /// <param name="reductionFactor">η of every bracket.</param>
    /// <param name="salt">Varies the trial-to-bracket assignment between studies.</param>
    public HyperbandPruner(int minResource = 1, int maxResource = 27, int reductionFactor = 3, long salt = 0)
    {
        if (minResource < 1) throw new ArgumentOutOfRangeException(nameof(minResource), minResource, "Must be ≥ 1.");
        if (maxResource < minResource) throw new ArgumentOutOfRangeException(nameof(maxResource), maxResource, "Must be ≥ minResource.");
        if (reductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "Must be ≥ 2.");
        MinResource = minResource;
        MaxResource = maxResource;
        ReductionFactor = reductionFactor;
        Salt = salt;
        var count = (int)Math.Floor(Math.Log((double)maxResource / minResource, reductionFactor) + 1e-9) + 1;
        brackets = new SuccessiveHalvingPruner[count];
        budgets = new int[count];
        for (var b = 0; b < count; b++)
        {
            var bracket = b;
            brackets[b] = new SuccessiveHalvingPruner(minResource, reductionFactor, b, 0, maxResource, other => BracketOf(other.Number) == bracket);
            // Optuna's allocation: brackets that prune early start more trials, ⌈B·η^s/(s+1)⌉ for s = B − 1 − b.
            var s = count - 1 - b;
            budgets[b] = (int)Math.Ceiling(count * Math.Pow(reductionFactor, s) / (s + 1));
        }
        totalBudget = budgets.Sum();
    }

    /// <summary>Steps before the most aggressive bracket's first rung.</summary>
    public int MinResource { get; }

    /// <summary>The step at which trials end.</summary>
    public int MaxResource { get; }

    /// <summary>η of every bracket.</summary>
    public int ReductionFactor { get; }

    /// <summary>Varies the trial-to-bracket assignment between studies.</summary>
    public long Salt { get; }

    /// <summary>The number of brackets, ⌊log_η(max/min)⌋ + 1.</summary>
    public int BracketCount => brackets.Length;

    /// <summary>The bracket of trial <paramref name="trialNumber"/>: the same on every run, process and machine.</summary>
    public int BracketOf(int trialNumber)
    {
        var ticket = (int)(SamplerRandom.Mix(Salt, trialNumber) % (ulong)totalBudget);
        for (var b = 0; b < budgets.Length; b++)
        {
            if (ticket < budgets[b]) return b;
            ticket -= budgets[b];
        }
        return budgets.Length - 1;
    }

    /// <inheritdoc />
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return brackets[BracketOf(trial.Number)].ShouldPrune(trial, history, direction);
    }
}
