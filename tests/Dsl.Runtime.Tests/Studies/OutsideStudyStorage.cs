using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>
/// A store written outside this project before study attributes existed: it implements only the older members, passing
/// them to <paramref name="inner"/>, and its heartbeat may fail with a driver's own exception type.
/// </summary>
internal sealed class OutsideStudyStorage(IStudyStorage inner, Exception? heartbeatError = null) : IStudyStorage
{
    private int heartbeats;

    public int Heartbeats => Volatile.Read(ref heartbeats);

    public string Location => "outside:" + inner.Location;

    public bool IsPersistent => inner.IsPersistent;

    public Task<StudyInfo> CreateOrOpenStudyAsync(StudyDefinition definition, CancellationToken cancellationToken = default) =>
        inner.CreateOrOpenStudyAsync(definition, cancellationToken);

    public Task<IReadOnlyList<StudySummary>> GetStudiesAsync(CancellationToken cancellationToken = default) => inner.GetStudiesAsync(cancellationToken);

    public Task<int> EnqueueTrialAsync(string study, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken = default) =>
        inner.EnqueueTrialAsync(study, parameters, cancellationToken);

    public Task<ClaimedTrial> ClaimTrialAsync(string study, string workerId, TrialSampler sampler, CancellationToken cancellationToken = default) =>
        inner.ClaimTrialAsync(study, workerId, sampler, cancellationToken);

    public async Task ReportIntermediateValueAsync(string study, int trial, int step, double value, CancellationToken cancellationToken = default)
    {
        // Slow enough that heartbeats come during the trials.
        await Task.Delay(20, cancellationToken);
        await inner.ReportIntermediateValueAsync(study, trial, step, value, cancellationToken);
    }

    public Task SetTrialAttributeAsync(string study, int trial, string key, string? value, CancellationToken cancellationToken = default) =>
        inner.SetTrialAttributeAsync(study, trial, key, value, cancellationToken);

    public Task FinishTrialAsync(string study, int trial, TrialResult result, CancellationToken cancellationToken = default) =>
        inner.FinishTrialAsync(study, trial, result, cancellationToken);

    public Task HeartbeatAsync(string workerId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref heartbeats);
        return heartbeatError is null ? inner.HeartbeatAsync(workerId, cancellationToken) : throw heartbeatError;
    }

    public Task<IReadOnlyList<RecoveredTrial>> RecoverStaleTrialsAsync(string study, StaleTrialPolicy policy, CancellationToken cancellationToken = default) =>
        inner.RecoverStaleTrialsAsync(study, policy, cancellationToken);

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string study, CancellationToken cancellationToken = default) => inner.GetTrialsAsync(study, cancellationToken);

    public Task<TrialRecord?> GetBestTrialAsync(string study, CancellationToken cancellationToken = default) => inner.GetBestTrialAsync(study, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
