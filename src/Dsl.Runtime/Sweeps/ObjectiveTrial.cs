using Dsl.Sweeps.Running;
using Dsl.Training;

namespace Dsl.Sweeps;

/// <summary>One trial of a sweep of user code, as the objective sees it: its number and seed, and where it reports.</summary>
/// <remarks>
/// Report after each step of the objective's own loop; when <see cref="ShouldPrune"/> says so, stop and throw
/// <see cref="TrialPrunedException"/>. A pruned trial stands for its last reported value.
/// </remarks>
/// <example>
/// <code>
/// for (var step = 1; step &lt;= trial.Steps; step++)
/// {
///     loss = Step(hp, loss);
///     await trial.ReportAsync(step, loss, cancellationToken);
///     if (trial.ShouldPrune()) throw new TrialPrunedException();
/// }
/// return loss;
/// </code>
/// </example>
public sealed class ObjectiveTrial
{
    private readonly TrialCallback callback;
    private EpochDecision decision = EpochDecision.Continue;

    internal ObjectiveTrial(int number, IReadOnlyDictionary<string, object> parameters, int seed, int steps, TrialCallback callback)
    {
        Number = number;
        Parameters = parameters;
        Seed = seed;
        Steps = steps;
        this.callback = callback;
    }

    /// <summary>The trial's number in the study.</summary>
    public int Number { get; }

    /// <summary>The trial's assignment, as the study stores it.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>A seed for the objective's own randomness, mixed from the sweep's seed and <see cref="Number"/>.</summary>
    public int Seed { get; }

    /// <summary>The most steps the sweep expects the objective to report (<see cref="ObjectiveDefinition.Steps"/>).</summary>
    public int Steps { get; }

    /// <summary>Whether the store no longer accepts this trial's reports: another worker recovered it as stale.</summary>
    internal bool Lost => callback.Lost;

    internal double? LastValue => callback.LastValue;

    internal int StepsReported => callback.EpochsTrained;

    internal IReadOnlyDictionary<int, double> IntermediateValues => callback.IntermediateValues;

    /// <summary>Records <paramref name="value"/> as the objective after <paramref name="step"/> (1-based) and asks the pruner about it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is below 1.</exception>
    public async Task ReportAsync(int step, double value, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        cancellationToken.ThrowIfCancellationRequested();
        // The write itself takes no token: a Ctrl-C never leaves a half-recorded step.
        decision = await callback.ReportAsync(step, value).ConfigureAwait(false);
    }

    /// <summary>Whether the trial should stop now, by the pruner's verdict on the last report (or because the trial was lost); throw <see cref="TrialPrunedException"/> then.</summary>
    public bool ShouldPrune() => decision != EpochDecision.Continue;
}
