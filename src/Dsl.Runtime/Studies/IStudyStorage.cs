using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>Chooses the parameters of a new trial from the study's history, inside the claim that creates the trial.</summary>
/// <param name="number">The number the new trial will get.</param>
/// <param name="history">Every other trial of the study at the moment of the claim, running ones included, in number order.</param>
public delegate IReadOnlyDictionary<string, object> TrialSampler(int number, IReadOnlyList<TrialRecord> history);

/// <summary>
/// Where studies and their trials live. Every state change is durable once its task completes, and every method may be
/// called from several threads, processes or machines at once.
/// </summary>
/// <remarks>
/// <para>
/// Workers drive a trial through <see cref="ClaimTrialAsync"/>, then <see cref="ReportIntermediateValueAsync"/> and
/// <see cref="HeartbeatAsync"/> while it trains, then <see cref="FinishTrialAsync"/>. A worker that dies leaves its trial
/// <see cref="TrialState.Running"/> until someone calls <see cref="RecoverStaleTrialsAsync"/>, which fails it and may retry it.
/// </para>
/// <para>
/// The sampler runs inside the claim so that two workers never sample from the same history: a store serialises claims
/// (SQLite with <c>BEGIN IMMEDIATE</c>, a server store by locking the study row), and each sampler sees the trials the
/// claims before it created, running ones with their parameters.
/// </para>
/// </remarks>
public interface IStudyStorage : IAsyncDisposable
{
    /// <summary>Where the studies live, in words for people: a file path, a server and database (never a password), or "in memory".</summary>
    string Location { get; }

    /// <summary>Whether studies outlive this process, so that a rerun resumes them and read commands can show them.</summary>
    bool IsPersistent { get; }

    /// <summary>Creates the study, or opens it when it exists with the same direction and a compatible search space.</summary>
    /// <exception cref="StudyMismatchException">The study exists with another direction or an incompatible search space.</exception>
    Task<StudyInfo> CreateOrOpenStudyAsync(StudyDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Every study in the store, with trial counts and best values.</summary>
    Task<IReadOnlyList<StudySummary>> GetStudiesAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a waiting trial with fixed parameters, claimed before any sampled one; returns its number.</summary>
    /// <remarks>Missing parameters are left out, not sampled: the sweep's <c>FromValues</c> gives them their defaults.</remarks>
    Task<int> EnqueueTrialAsync(string study, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically turns the oldest waiting trial into a running one owned by <paramref name="workerId"/>, or when none waits,
    /// creates a running trial with the next number and the parameters <paramref name="sampler"/> returns.
    /// </summary>
    Task<ClaimedTrial> ClaimTrialAsync(string study, string workerId, TrialSampler sampler, CancellationToken cancellationToken = default);

    /// <summary>Records the objective at a step (epoch) of a running trial; reporting a step again replaces its value.</summary>
    /// <exception cref="TrialStateException">The trial is no longer running, for example because it was recovered as stale.</exception>
    Task ReportIntermediateValueAsync(string study, int trial, int step, double value, CancellationToken cancellationToken = default);

    /// <summary>Sets a free-form attribute (metric, checkpoint path) on a trial in any state; a null <paramref name="value"/> removes it.</summary>
    Task SetTrialAttributeAsync(string study, int trial, string key, string? value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets a free-form attribute of the study itself (a fusion's results, a note), like Optuna's study user attributes;
    /// a null <paramref name="value"/> removes it. A store written before study attributes existed does not keep them
    /// and throws <see cref="NotSupportedException"/>.
    /// </summary>
    Task SetStudyAttributeAsync(string study, string key, string? value, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException(
            $"The study store {Location} ({GetType().Name}) does not keep study attributes, so '{key}' of study '{study}' cannot be set; "
            + "implement SetStudyAttributeAsync and GetStudyAttributesAsync, or use the SQLite or PostgreSQL store.");

    /// <summary>The study's own attributes (see <see cref="SetStudyAttributeAsync"/>), ordered by key; none for a store that does not keep them.</summary>
    Task<IReadOnlyDictionary<string, string>> GetStudyAttributesAsync(string study, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new SortedDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Moves a running trial to its final state and records <see cref="TrialResult.Attributes"/> with it, in one atomic step.</summary>
    /// <exception cref="TrialStateException">The trial is no longer running, for example because it was recovered as stale.</exception>
    Task FinishTrialAsync(string study, int trial, TrialResult result, CancellationToken cancellationToken = default);

    /// <summary>Tells the store that <paramref name="workerId"/> is alive, which keeps every trial it runs from going stale.</summary>
    Task HeartbeatAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fails the running trials of a study whose worker is gone, as <paramref name="policy"/> decides, and re-enqueues them
    /// with the same parameters while they have retries left. Safe to call from several workers at once: each stale trial is
    /// recovered once.
    /// </summary>
    Task<IReadOnlyList<RecoveredTrial>> RecoverStaleTrialsAsync(string study, StaleTrialPolicy policy, CancellationToken cancellationToken = default);

    /// <summary>Every trial of a study, in number order.</summary>
    Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string study, CancellationToken cancellationToken = default);

    /// <summary>The complete trial with the best value in the study's direction (the lowest number on ties), or null.</summary>
    Task<TrialRecord?> GetBestTrialAsync(string study, CancellationToken cancellationToken = default);
}
