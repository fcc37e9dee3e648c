using Dsl.Search.Trials;

namespace Dsl.Search.Pruning;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020): rungs sit at min·η^(s+k) steps; a trial reaching a rung goes
/// on only if its value there is in the top 1/η of the values every trial has reported at that rung so far.
/// </summary>
/// <remarks>
/// Nothing waits for a rung to fill: the decision uses the rung values known at the time of the report. Like Optuna's,
/// it keeps the best trial when fewer than η have reached the rung. A trial is judged at the report that first reaches or
/// passes a rung; its rung value is that report's value, and so is everyone else's.
/// </remarks>
public sealed class SuccessiveHalvingPruner : IPruner
{
    private readonly Func<TrialRecord, bool>? competesWith;

    /// <summary>Creates an ASHA pruner.</summary>
    /// <param name="minResource">Steps (epochs) before the first rung.</param>
    /// <param name="reductionFactor">η: one in η trials is promoted at each rung.</param>
    /// <param name="minEarlyStoppingRate">s: shifts the first rung to min·η^s.</param>
    /// <param name="bootstrapCount">Trials that must reach a rung before any is promoted past it (earlier ones are pruned).</param>
    /// <param name="maxResource">The step at which trials end; rungs at or past it are not judged. Null: no limit.</param>
    public SuccessiveHalvingPruner(int minResource = 1, int reductionFactor = 3, int minEarlyStoppingRate = 0, int bootstrapCount = 0, int? maxResource = null)
        : this(minResource, reductionFactor, minEarlyStoppingRate, bootstrapCount, maxResource, null)
    {
    }

    internal SuccessiveHalvingPruner(int minResource, int reductionFactor, int minEarlyStoppingRate, int bootstrapCount, int? maxResource, Func<TrialRecord, bool>? competesWith)
    {
        if (minResource < 1) throw new ArgumentOutOfRangeException(nameof(minResource), minResource, "Must be ≥ 1.");
        if (reductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "Must be ≥ 2.");
        if (minEarlyStoppingRate < 0) throw new ArgumentOutOfRangeException(nameof(minEarlyStoppingRate), minEarlyStoppingRate, "Must be ≥ 0.");
        if (bootstrapCount < 0) throw new ArgumentOutOfRangeException(nameof(bootstrapCount), bootstrapCount, "Must be ≥ 0.");
        if (maxResource is { } max && max < minResource) throw new ArgumentOutOfRangeException(nameof(maxResource), maxResource, "Must be ≥ minResource.");
        MinResource = minResource;
        ReductionFactor = reductionFactor;
        MinEarlyStoppingRate = minEarlyStoppingRate;
        BootstrapCount = bootstrapCount;
        MaxResource = maxResource;
        this.competesWith = competesWith;
    }

    /// <summary>Steps before the first rung (with <see cref="MinEarlyStoppingRate"/> 0).</summary>
    public int MinResource { get; }

    /// <summary>η: one in η trials is promoted at each rung.</summary>
    public int ReductionFactor { get; }

    /// <summary>s: the first rung is at min·η^s.</summary>
    public int MinEarlyStoppingRate { get; }

    /// <summary>Trials that must reach a rung before any is promoted past it.</summary>
    public int BootstrapCount { get; }

    /// <summary>The step at which trials end, or null.</summary>
    public int? MaxResource { get; }

    /// <summary>The steps at which trials are judged, in order.</summary>
    public IReadOnlyList<int> Rungs(int upTo)
    {
        var rungs = new List<int>();
        var limit = MaxResource is { } max ? Math.Min(max - 1, upTo) : upTo;
        for (long r = MinResource * (long)Math.Pow(ReductionFactor, MinEarlyStoppingRate); r <= limit; r *= ReductionFactor)
            rungs.Add((int)r);
        return rungs;
    }

    /// <inheritdoc />
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(history);
        if (trial.IntermediateValues.Count == 0) return false;
        var step = int.MinValue;
        var previous = int.MinValue;
        foreach (var s in trial.IntermediateValues.Keys)
        {
            if (s > step) (previous, step) = (step, s);
            else if (s > previous) previous = s;
        }
        var value = trial.IntermediateValues[step];
        foreach (var rung in Rungs(step))
        {
            if (rung <= previous) continue;
            if (double.IsNaN(value)) return true;
            var competing = new List<double> { value };
            foreach (var other in history)
            {
                if (other.Number == trial.Number || other.State == TrialState.Waiting) continue;
                if (competesWith is { } filter && !filter(other)) continue;
                if (RungValue(other, rung) is { } v) competing.Add(v);
            }
            if (competing.Count <= BootstrapCount) return true;
            if (!IsPromotable(value, competing, direction)) return true;
        }
        return false;
    }

    /// <summary>The value a trial reported when it first reached <paramref name="rung"/>, or null.</summary>
    private static double? RungValue(TrialRecord trial, int rung)
    {
        var first = int.MaxValue;
        foreach (var s in trial.IntermediateValues.Keys)
            if (s >= rung && s < first) first = s;
        if (first == int.MaxValue) return null;
        var v = trial.IntermediateValues[first];
        return double.IsNaN(v) ? null : v;
    }

    private bool IsPromotable(double value, List<double> competing, StudyDirection direction)
    {
        // The top ⌊n/η⌋ go on; with fewer than η at the rung, only a trial at least as good as all of them does.
        var index = Math.Max(competing.Count / ReductionFactor - 1, 0);
        competing.Sort();
        return direction == StudyDirection.Maximize
            ? value >= competing[competing.Count - 1 - index]
            : value <= competing[index];
    }
}
