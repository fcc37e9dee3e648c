namespace Dsl.Search.Sampling;

/// <summary>Settings of the <see cref="TpeSampler"/>; the defaults follow Optuna's TPE except where noted.</summary>
public sealed record TpeOptions
{
    /// <summary>
    /// Trials sampled at random before the Parzen estimators take over; null (the default) for a count that follows the
    /// sweep's trial budget, <see cref="DefaultStartupTrials"/>. A count given here is used whatever the budget.
    /// </summary>
    /// <remarks>
    /// Optuna uses 10 startup trials whatever the budget, so a sweep of 10 trials or fewer never reaches TPE at all. Here
    /// a sweep that knows its budget (<see cref="Dsl.Sweeps.SweepOptions.Trials"/>, <c>--trials</c>) gives at most half
    /// of it to random draws, and never fewer than 2: the fewest finished trials that give the good density l(x) and the
    /// bad one g(x) a point each. From 20 trials on this is Optuna's 10, so longer sweeps behave as Optuna's. Without a
    /// known budget (the sampler called directly) the count is 10. Enqueued trials count towards the startup trials once
    /// they finish, as in Optuna.
    /// </remarks>
    public int? StartupTrials { get; init; }

    /// <summary>Candidates drawn from the good-trial density l(x); the one maximising l(x)/g(x) is proposed.</summary>
    public int EiCandidates { get; init; } = 24;

    /// <summary>
    /// Model parameters that are active together (same condition) with one joint density rather than one per parameter,
    /// which captures their interactions. On by default, unlike Optuna, because it wins on the benchmark functions.
    /// </summary>
    public bool Multivariate { get; init; } = true;

    /// <summary>Weight of the prior component (a wide Gaussian at the centre; uniform over choices) in each density.</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>Keeps each kernel at least range / min(100, n + 1) wide, so no estimator collapses onto one point.</summary>
    public bool ConsiderMagicClip { get; init; } = true;

    /// <summary>Lets the range's ends widen the kernels of the outermost observations (univariate bandwidths).</summary>
    public bool ConsiderEndpoints { get; init; }

    /// <summary>
    /// Cap on the joint bandwidth, as a fraction of the range, before the n^(−1/(d+4)) shrinkage. Below the cap the
    /// bandwidth follows the observations' spread (Scott's rule), where Optuna always uses the cap.
    /// </summary>
    public double MultivariateBandwidth { get; init; } = 0.2;

    /// <summary>
    /// The number of "good" trials out of n finished ones; null for min(⌈0.15·n⌉, 25). Optuna uses 0.1·n, which fits l(x)
    /// to a single trial until n = 20; two or three points give l(x) a shape, and won on every benchmark objective.
    /// </summary>
    public Func<int, int>? Gamma { get; init; }

    /// <summary>Counts running trials as the worst ones, so parallel workers do not all propose the same point.</summary>
    public bool ConstantLiar { get; init; }

    /// <summary>The startup count when <see cref="StartupTrials"/> is null: half of <paramref name="trialBudget"/> within [2, 10], or 10 when the budget is unknown.</summary>
    public static int DefaultStartupTrials(int? trialBudget) => trialBudget is { } trials ? Math.Clamp(trials / 2, 2, 10) : 10;

    internal int GoodCount(int finished) => Math.Clamp(
        Gamma is { } gamma ? gamma(finished) : Math.Min((int)Math.Ceiling(0.15 * finished), 25), 0, finished);

    internal void Validate()
    {
        if (StartupTrials is < 0) throw new ArgumentOutOfRangeException(nameof(StartupTrials), StartupTrials, "Must be ≥ 0.");
        if (EiCandidates < 1) throw new ArgumentOutOfRangeException(nameof(EiCandidates), EiCandidates, "Must be ≥ 1.");
        if (!(PriorWeight > 0)) throw new ArgumentOutOfRangeException(nameof(PriorWeight), PriorWeight, "Must be > 0.");
        if (!(MultivariateBandwidth > 0)) throw new ArgumentOutOfRangeException(nameof(MultivariateBandwidth), MultivariateBandwidth, "Must be > 0.");
    }
}
