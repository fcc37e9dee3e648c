using System.Collections.Concurrent;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>
/// Passes every call to a store and counts it: calls per method, and how many trial records the calls handed back
/// (whole-study reads, claim histories, best trials), which is what re-reading the study costs.
/// </summary>
internal sealed class CountingStudyStorage(IStudyStorage inner) : IStudyStorage
{
    private readonly ConcurrentDictionary<string, int> calls = new(StringComparer.Ordinal);
    private int recordsRead;

    public string Location => inner.Location;

    public bool IsPersistent => inner.IsPersistent;

    public IReadOnlyDictionary<string, int> Calls => calls;

    public int TotalCalls => calls.Values.Sum();

    public int RecordsRead => Volatile.Read(ref recordsRead);

    public void Reset()
    {
        calls.Clear();
        Interlocked.Exchange(ref recordsRead, 0);
    }

    public Task<StudyInfo> CreateOrOpenStudyAsync(StudyDefinition definition, CancellationToken cancellationToken = default) =>
        Count(inner.CreateOrOpenStudyAsync(definition, cancellationToken));

    public Task<IReadOnlyList<StudySummary>> GetStudiesAsync(CancellationToken cancellationToken = default) =>
        Count(inner.GetStudiesAsync(cancellationToken));

    public Task<int> EnqueueTrialAsync(string study, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken = default) =>
        Count(inner.EnqueueTrialAsync(study, parameters, cancellationToken));

    public Task<ClaimedTrial> ClaimTrialAsync(string study, string workerId, TrialSampler sampler, CancellationToken cancellationToken = default) =>
        Count(inner.ClaimTrialAsync(study, workerId, (number, history) =>
        {
            Interlocked.Add(ref recordsRead, history.Count);
            return sampler(number, history);
        }, cancellationToken));

    public Task ReportIntermediateValueAsync(string study, int trial, int step, double value, CancellationToken cancellationToken = default) =>
        Count(inner.ReportIntermediateValueAsync(study, trial, step, value, cancellationToken));

    public Task SetTrialAttributeAsync(string study, int trial, string key, string? value, CancellationToken cancellationToken = default) =>
        Count(inner.SetTrialAttributeAsync(study, trial, key, value, cancellationToken));

    public Task SetStudyAttributeAsync(string study, string key, string? value, CancellationToken cancellationToken = default) =>
        Count(inner.SetStudyAttributeAsync(study, key, value, cancellationToken));

    public Task<IReadOnlyDictionary<string, string>> GetStudyAttributesAsync(string study, CancellationToken cancellationToken = default) =>
        Count(inner.GetStudyAttributesAsync(study, cancellationToken));

    public Task FinishTrialAsync(string study, int trial, TrialResult result, CancellationToken cancellationToken = default) =>
        Count(inner.FinishTrialAsync(study, trial, result, cancellationToken));

    public Task HeartbeatAsync(string workerId, CancellationToken cancellationToken = default) =>
        Count(inner.HeartbeatAsync(workerId, cancellationToken));

    public Task<IReadOnlyList<RecoveredTrial>> RecoverStaleTrialsAsync(string study, StaleTrialPolicy policy, CancellationToken cancellationToken = default) =>
        Count(inner.RecoverStaleTrialsAsync(study, policy, cancellationToken));

    public async Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string study, CancellationToken cancellationToken = default)
    {
        var trials = await Count(inner.GetTrialsAsync(study, cancellationToken));
        Interlocked.Add(ref recordsRead, trials.Count);
        return trials;
    }

    public async Task<TrialRecord?> GetBestTrialAsync(string study, CancellationToken cancellationToken = default)
    {
        var best = await Count(inner.GetBestTrialAsync(study, cancellationToken));
        if (best is not null) Interlocked.Increment(ref recordsRead);
        return best;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private Task<T> Count<T>(Task<T> call, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        return call;
    }

    private Task Count(Task call, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        return call;
    }
}
