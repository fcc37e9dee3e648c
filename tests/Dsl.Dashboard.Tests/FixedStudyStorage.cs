using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Tests;

/// <summary>A read-only store of prebuilt trial records, for studies too large to write trial by trial in a fast test.</summary>
internal sealed class FixedStudyStorage(string study, StudyDirection direction, IReadOnlyList<TrialRecord> trials) : IStudyStorage
{
    public string Location => "fixed records";
    public bool IsPersistent => false;

    /// <summary><paramref name="count"/> finished trials much like a sweep's: three parameters, a few epochs each, four workers.</summary>
    public static FixedStudyStorage Large(string study, int count)
    {
        var random = new Random(1);
        var start = DateTimeOffset.UtcNow.AddHours(-count / 100.0);
        var trials = new List<TrialRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var value = random.NextDouble();
            var state = i % 10 == 9 ? TrialState.Pruned : i % 50 == 7 ? TrialState.Failed : TrialState.Complete;
            var epochs = Enumerable.Range(0, 1 + i % 5).ToDictionary(e => e, e => value + 0.5 / (e + 1));
            trials.Add(new TrialRecord(i, state, new Dictionary<string, object>
            {
                ["lr"] = Math.Pow(10, -1 - 3 * random.NextDouble()),
                ["layers"] = (long)(1 + i % 3),
                ["optimizer"] = i % 2 == 0 ? "adam" : "sgd",
            }, state == TrialState.Failed ? null : value, epochs)
            {
                StartedAt = start.AddSeconds(36 * i),
                FinishedAt = start.AddSeconds(36 * i + 30 + i % 7),
                Error = state == TrialState.Failed ? "diverged" : null,
                Attributes = new Dictionary<string, string> { [TrialAttributeKeys.Worker] = "worker-" + (i % 4) },
            });
        }
        return new FixedStudyStorage(study, StudyDirection.Minimize, trials);
    }

    public Task<IReadOnlyList<StudySummary>> GetStudiesAsync(CancellationToken cancellationToken = default)
    {
        var best = trials.Where(t => t.State == TrialState.Complete).OrderBy(t => direction == StudyDirection.Maximize ? -t.Value!.Value : t.Value!.Value).FirstOrDefault();
        var counts = trials.GroupBy(t => t.State).ToDictionary(g => g.Key, g => g.Count());
        return Task.FromResult<IReadOnlyList<StudySummary>>([new StudySummary(study, direction, DateTimeOffset.UnixEpoch, counts, best?.Number, best?.Value)]);
    }

    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(name == study ? trials : throw new ArgumentException($"no study {name}", nameof(name)));

    public Task<IReadOnlyDictionary<string, string>> GetStudyAttributesAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    public Task<TrialRecord?> GetBestTrialAsync(string name, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task<StudyInfo> CreateOrOpenStudyAsync(StudyDefinition definition, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task<int> EnqueueTrialAsync(string name, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task<ClaimedTrial> ClaimTrialAsync(string name, string workerId, TrialSampler sampler, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task ReportIntermediateValueAsync(string name, int trial, int step, double value, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task SetTrialAttributeAsync(string name, int trial, string key, string? value, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task SetStudyAttributeAsync(string name, string key, string? value, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task FinishTrialAsync(string name, int trial, TrialResult result, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task HeartbeatAsync(string workerId, CancellationToken cancellationToken = default) => throw ReadOnly();
    public Task<IReadOnlyList<RecoveredTrial>> RecoverStaleTrialsAsync(string name, StaleTrialPolicy policy, CancellationToken cancellationToken = default) => throw ReadOnly();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static NotSupportedException ReadOnly() => new("This test store is read-only.");
}
