using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>
/// The Tree-structured Parzen Estimator (Bergstra et al., 2011) with Optuna's refinements: after a few random trials it
/// splits the finished trials into the best γ(n) and the rest, fits a Parzen estimator to each, and proposes the
/// candidate (drawn from the good one) that maximises l(x)/g(x).
/// </summary>
/// <remarks>
/// Numeric parameters are modelled in their internal space (log for logarithmic ones, widened by half a step when
/// stepped) and rounded back; categoricals by smoothed counts. A conditional parameter is fitted only on the trials in
/// which it was active. Pruned trials rank after complete ones, by how far they got and then by their last value.
/// </remarks>
public sealed class TpeSampler : IBudgetAwareSampler
{
    private readonly Lock gate = new();
    private long calls;

    /// <summary>Creates a TPE sampler; without a seed, one is drawn (see <see cref="Seed"/>).</summary>
    public TpeSampler(int? seed = null, TpeOptions? options = null)
        : this(seed, options, trialBudget: null)
    {
    }

    private TpeSampler(int? seed, TpeOptions? options, int? trialBudget)
    {
        Options = options ?? new TpeOptions();
        Options.Validate();
        Seed = seed ?? SamplingSupport.FreshSeed();
        TrialBudget = trialBudget;
    }

    /// <summary>The seed in use.</summary>
    public int Seed { get; }

    /// <summary>The settings in use.</summary>
    public TpeOptions Options { get; }

    /// <summary>The number of trials the study will hold, when a sweep told it (<see cref="ForTrialBudget"/>); null otherwise.</summary>
    public int? TrialBudget { get; }

    /// <summary>How many finished trials are drawn at random before TPE proposes: <see cref="TpeOptions.StartupTrials"/>, or the count for <see cref="TrialBudget"/>.</summary>
    public int StartupTrials => Options.StartupTrials ?? TpeOptions.DefaultStartupTrials(TrialBudget);

    /// <summary>A copy with the same seed and options for a study of <paramref name="trials"/> trials; this sampler when its startup count is fixed.</summary>
    public ISampler ForTrialBudget(int trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        return Options.StartupTrials is not null || TrialBudget == trials ? this : new TpeSampler(Seed, Options, trials);
    }

    /// <summary>Whether the next proposal after <paramref name="history"/> is a random startup draw rather than TPE's.</summary>
    internal bool IsStartup(IReadOnlyList<TrialRecord> history, StudyDirection direction) => Finished(history, direction, scored: null) < StartupTrials;

    /// <inheritdoc />
    public string Describe(IReadOnlyList<TrialRecord> history, StudyDirection direction) => IsStartup(history, direction) ? "tpe-startup" : "tpe";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object> Sample(
        SearchSpace space,
        IReadOnlyList<TrialRecord> history,
        StudyDirection direction,
        IReadOnlyDictionary<string, object>? fixedValues = null)
    {
        var (representations, pinned) = SamplingSupport.Begin(space, history, fixedValues);
        SamplerRandom random;
        lock (gate) random = new SamplerRandom(Seed, history.Count, calls++);

        var scored = new List<(TrialRecord Trial, TrialScore Score)>();
        var finished = Finished(history, direction, scored);
        if (finished < StartupTrials)
            return SamplingSupport.WalkUniform(space, representations, pinned, random);

        // Stable sort (by score, then trial number) so that ties never depend on the history's order.
        var ranked = scored.OrderBy(s => s.Score).ThenBy(s => s.Trial.Number).ToList();
        var goodCount = Options.GoodCount(finished);
        var good = ranked.Take(goodCount).Select(s => s.Trial).OrderBy(t => t.Number).ToList();
        var bad = ranked.Skip(goodCount).Select(s => s.Trial).OrderBy(t => t.Number).ToList();

        var groups = Groups(space);
        return SamplingSupport.Walk(space, representations, pinned, (i, assignment) =>
        {
            var members = groups[i].Where(m => !representations[m].IsSingleValue).ToArray();
            var dims = members.Select(m => representations[m]).ToArray();
            var fixedCoordinates = new double?[members.Length];
            for (var j = 0; j < members.Length; j++)
                if (pinned.TryGetValue(representations[members[j]].Name, out var value)) fixedCoordinates[j] = representations[members[j]].ToInternal(value);

            var best = Propose(dims, fixedCoordinates, good, bad, random);
            for (var j = 0; j < members.Length; j++)
                assignment[dims[j].Name] = fixedCoordinates[j] is { } f ? pinned[dims[j].Name] : dims[j].ToExternal(best[j]);
            foreach (var m in groups[i])
                if (representations[m].IsSingleValue && !assignment.ContainsKey(representations[m].Name))
                    assignment[representations[m].Name] = representations[m].ToExternal(representations[m].Low);
        });
    }

    /// <summary>Counts the finished trials (complete or pruned), and gathers the scored ones, running ones included for the constant liar.</summary>
    private int Finished(IReadOnlyList<TrialRecord> history, StudyDirection direction, List<(TrialRecord Trial, TrialScore Score)>? scored)
    {
        var finished = 0;
        foreach (var trial in history)
        {
            if (!TrialScore.TryScore(trial, direction, Options.ConstantLiar, out var score)) continue;
            scored?.Add((trial, score));
            if (score.Tier < 3) finished++;
        }
        return finished;
    }

    private double[] Propose(InternalRepresentation[] dims, double?[] fixedCoordinates, List<TrialRecord> good, List<TrialRecord> bad, SamplerRandom random)
    {
        var goodRows = Observations(dims, good);
        var badRows = Observations(dims, bad);
        var l = new ParzenEstimator(dims, goodRows, Weights(goodRows.Count), Options);
        var g = new ParzenEstimator(dims, badRows, Weights(badRows.Count), Options);

        double[]? best = null;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < Options.EiCandidates; c++)
        {
            var x = l.Sample(random);
            for (var d = 0; d < dims.Length; d++)
                x[d] = fixedCoordinates[d] ?? Snap(dims[d], x[d]);
            var score = l.LogPdf(x) - g.LogPdf(x);
            if (best is null || score > bestScore)
            {
                best = x;
                bestScore = score;
            }
        }
        return best!;
    }

    /// <summary>Moves a coordinate onto the value it decodes to, so that l and g score what would be proposed.</summary>
    private static double Snap(InternalRepresentation representation, double x) =>
        representation.IsCategorical ? x : representation.ToInternal(representation.ToExternal(x));

    private static List<double[]> Observations(InternalRepresentation[] dims, List<TrialRecord> trials)
    {
        var rows = new List<double[]>(trials.Count);
        foreach (var trial in trials)
        {
            var row = new double[dims.Length];
            var complete = true;
            for (var d = 0; d < dims.Length && complete; d++)
            {
                if (SamplingSupport.ValueOf(trial, dims[d]) is { } value) row[d] = dims[d].ToInternal(value);
                else complete = false;
            }
            if (complete) rows.Add(row);
        }
        return rows;
    }

    /// <summary>Optuna's default weights: flat for the 25 most recent trials, a linear ramp down for older ones.</summary>
    private static double[] Weights(int n)
    {
        var w = new double[n];
        if (n < 25)
        {
            Array.Fill(w, 1.0);
            return w;
        }
        var ramp = n - 25;
        for (var i = 0; i < ramp; i++)
            w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        for (var i = ramp; i < n; i++) w[i] = 1.0;
        return w;
    }

    /// <summary>For each parameter, the parameters modelled jointly with it: those sharing its activation condition.</summary>
    private int[][] Groups(SearchSpace space)
    {
        var result = new int[space.Count][];
        if (!Options.Multivariate)
        {
            for (var i = 0; i < space.Count; i++) result[i] = [i];
            return result;
        }
        var byCondition = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < space.Count; i++)
        {
            var key = space[i].Condition is { } c
                ? c.Parameter + "\u001f" + string.Join("\u001f", c.Values.Select(v => $"{v.GetType().FullName}:{v}"))
                : "";
            if (!byCondition.TryGetValue(key, out var members)) byCondition[key] = members = [];
            members.Add(i);
        }
        foreach (var members in byCondition.Values)
        {
            var array = members.ToArray();
            foreach (var m in array) result[m] = array;
        }
        return result;
    }
}
