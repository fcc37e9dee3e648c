using Dsl.Search;
using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>A study store that lives in this process only: fast, thread-safe, and gone when the process ends.</summary>
public sealed class InMemoryStudyStorage : IStudyStorage
{
    // One lock for everything: operations are microseconds, and a single lock makes each one trivially atomic,
    // the sampler included.
    private readonly Lock gate = new();
    private readonly Dictionary<string, MemoryStudy> studies = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    /// <summary>Creates an empty store; <paramref name="time"/> defaults to the system clock.</summary>
    public InMemoryStudyStorage(TimeProvider? time = null) => this.time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public string Location => "in memory";

    /// <inheritdoc />
    public bool IsPersistent => false;

    /// <inheritdoc />
    public Task<StudyInfo> CreateOrOpenStudyAsync(StudyDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        TrialSelection.CheckStudyName(definition.Name);
        var description = definition.Space is null ? null : SpaceSignature.Describe(definition.Space);
        lock (gate)
        {
            if (!studies.TryGetValue(definition.Name, out var study))
            {
                study = new MemoryStudy(definition.Name, definition.Direction, time.GetUtcNow())
                {
                    Space = definition.Space,
                    Description = description,
                };
                studies.Add(study.Name, study);
                return Task.FromResult(study.Info(created: true));
            }

            if (study.Direction != definition.Direction)
                throw new StudyMismatchException(StudyMessages.DirectionMismatch(study.Name, StudyMessages.InMemory, study.Direction, definition.Direction));
            if (description is not null)
            {
                if (study.Description is not null && study.Description != description)
                    throw new StudyMismatchException(StudyMessages.SpaceMismatch(study.Name, StudyMessages.InMemory, study.Description, description));
                study.Description = description;
                study.Space = definition.Space;
            }
            return Task.FromResult(study.Info(created: false));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StudySummary>> GetStudiesAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            IReadOnlyList<StudySummary> summaries = studies.Values
                .OrderBy(s => s.CreatedAt).ThenBy(s => s.Name, StringComparer.Ordinal)
                .Select(s =>
                {
                    var best = TrialSelection.Best(s.Trials.Select(t => t.Snapshot()), s.Direction);
                    var counts = s.Trials.GroupBy(t => t.State).ToDictionary(g => g.Key, g => g.Count());
                    return new StudySummary(s.Name, s.Direction, s.CreatedAt, counts, best?.Number, best?.Value);
                })
                .ToList();
            return Task.FromResult(summaries);
        }
    }

    /// <inheritdoc />
    public Task<int> EnqueueTrialAsync(string study, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var s = Find(study);
            var trial = new MemoryTrial(s.Trials.Count, ParameterCodec.Normalize(parameters, s.Space, study)) { State = TrialState.Waiting };
            s.Trials.Add(trial);
            return Task.FromResult(trial.Number);
        }
    }

    /// <inheritdoc />
    public Task<ClaimedTrial> ClaimTrialAsync(string study, string workerId, TrialSampler sampler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentNullException.ThrowIfNull(sampler);
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            var s = Find(study);
            var now = time.GetUtcNow();
            var trial = s.Trials.FirstOrDefault(t => t.State == TrialState.Waiting);
            var enqueued = trial is not null;
            if (trial is null)
            {
                var number = s.Trials.Count;
                var history = s.Trials.Select(t => t.Snapshot()).ToList();
                trial = new MemoryTrial(number, ParameterCodec.Normalize(sampler(number, history), s.Space, study));
                s.Trials.Add(trial);
            }
            trial.State = TrialState.Running;
            trial.StartedAt = now;
            trial.HeartbeatAt = now;
            trial.WorkerId = workerId;
            trial.Touch();
            return Task.FromResult(new ClaimedTrial(trial.Number, trial.Parameters, enqueued, trial.RetryOf, now));
        }
    }

    /// <inheritdoc />
    public Task ReportIntermediateValueAsync(string study, int trial, int step, double value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckIntermediate(step, value);
        lock (gate)
        {
            var t = FindRunning(study, trial, "report a value for");
            t.IntermediateValues[step] = value;
            t.Touch();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetTrialAttributeAsync(string study, int trial, string key, string? value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckAttributeKey(key);
        lock (gate)
        {
            var t = Find(study, trial);
            if (value is null) t.Attributes.Remove(key);
            else t.Attributes[key] = value;
            t.Touch();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetStudyAttributeAsync(string study, string key, string? value, CancellationToken cancellationToken = default)
    {
        TrialSelection.CheckAttributeKey(key);
        lock (gate)
        {
            var s = Find(study);
            if (value is null) s.Attributes.Remove(key);
            else s.Attributes[key] = value;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, string>> GetStudyAttributesAsync(string study, CancellationToken cancellationToken = default)
    {
        lock (gate)
            return Task.FromResult<IReadOnlyDictionary<string, string>>(new SortedDictionary<string, string>(Find(study).Attributes, StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public Task FinishTrialAsync(string study, int trial, TrialResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var key in result.Attributes.Keys)
            TrialSelection.CheckAttributeKey(key);
        lock (gate)
        {
            var t = FindRunning(study, trial, "finish");
            foreach (var (key, value) in result.Attributes)
                t.Attributes[key] = value;
            t.State = result.State;
            t.Value = result.State == TrialState.Pruned && result.Value is null && t.IntermediateValues.Count > 0
                ? t.IntermediateValues.Values[^1]
                : result.Value;
            t.Error = result.Error;
            t.FinishedAt = time.GetUtcNow();
            t.Touch();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task HeartbeatAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        lock (gate)
        {
            var now = time.GetUtcNow();
            foreach (var trial in studies.Values.SelectMany(s => s.Trials))
            {
                if (trial.State == TrialState.Running && trial.WorkerId == workerId)
                {
                    trial.HeartbeatAt = now;
                    trial.Touch();
                }
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveredTrial>> RecoverStaleTrialsAsync(string study, StaleTrialPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (gate)
        {
            var s = Find(study);
            var now = time.GetUtcNow();
            var recovered = new List<RecoveredTrial>();
            foreach (var trial in s.Trials.Where(t => t.State == TrialState.Running).ToList())
            {
                // Everything in this store was claimed by this process, which is alive by definition.
                var running = new RunningTrial(trial.Number, trial.WorkerId, null, trial.HeartbeatAt, trial.RetryCount);
                if (StaleTrialJudge.WhyStale(running, policy, now) is not { } error)
                    continue;
                trial.State = TrialState.Failed;
                trial.Error = error;
                trial.FinishedAt = now;
                trial.Touch();
                int? retry = null;
                if (StaleTrialJudge.ShouldRetry(running, policy))
                {
                    var copy = new MemoryTrial(s.Trials.Count, new Dictionary<string, object>(trial.Parameters, StringComparer.Ordinal))
                    {
                        State = TrialState.Waiting,
                        RetryOf = trial.Number,
                        RetryCount = trial.RetryCount + 1,
                    };
                    s.Trials.Add(copy);
                    retry = copy.Number;
                }
                recovered.Add(new RecoveredTrial(trial.Number, error, retry));
            }
            return Task.FromResult<IReadOnlyList<RecoveredTrial>>(recovered);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(string study, CancellationToken cancellationToken = default)
    {
        lock (gate)
            return Task.FromResult<IReadOnlyList<TrialRecord>>(Find(study).Trials.Select(t => t.Snapshot()).ToList());
    }

    /// <inheritdoc />
    public Task<TrialRecord?> GetBestTrialAsync(string study, CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            var s = Find(study);
            return Task.FromResult(TrialSelection.Best(s.Trials.Select(t => t.Snapshot()), s.Direction));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private MemoryStudy Find(string study) =>
        studies.TryGetValue(study, out var s) ? s : throw new StudyStorageException(StudyMessages.NoStudy(study, StudyMessages.InMemory));

    private MemoryTrial Find(string study, int trial)
    {
        var s = Find(study);
        return trial >= 0 && trial < s.Trials.Count ? s.Trials[trial] : throw new StudyStorageException(StudyMessages.NoTrial(study, trial));
    }

    private MemoryTrial FindRunning(string study, int trial, string operation)
    {
        var t = Find(study, trial);
        return t.State == TrialState.Running ? t : throw new TrialStateException(study, trial, t.State, operation);
    }

    private sealed class MemoryStudy(string name, StudyDirection direction, DateTimeOffset createdAt)
    {
        public string Name { get; } = name;
        public StudyDirection Direction { get; } = direction;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public SearchSpace? Space { get; set; }
        public string? Description { get; set; }

        // Numbers are dense, so a trial's number is its index.
        public List<MemoryTrial> Trials { get; } = [];

        public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

        public StudyInfo Info(bool created) =>
            new(Name, Direction, Description is null ? "" : SpaceSignature.Fingerprint(Description), CreatedAt, created);
    }

    private sealed class MemoryTrial(int number, Dictionary<string, object> parameters)
    {
        private TrialRecord? snapshot;

        public int Number { get; } = number;
        public IReadOnlyDictionary<string, object> Parameters { get; } = parameters;
        public TrialState State { get; set; } = TrialState.Running;
        public double? Value { get; set; }
        public string? Error { get; set; }
        public DateTimeOffset? StartedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public DateTimeOffset? HeartbeatAt { get; set; }
        public string? WorkerId { get; set; }
        public int? RetryOf { get; init; }
        public int RetryCount { get; init; }
        public SortedList<int, double> IntermediateValues { get; } = [];
        public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

        public void Touch() => snapshot = null;

        // Samplers read the whole history on every claim; caching unchanged trials keeps that linear in what changed.
        public TrialRecord Snapshot() => snapshot ??= new TrialRecord(
            Number, State, Parameters, Value, new Dictionary<int, double>(IntermediateValues))
        {
            StartedAt = StartedAt,
            FinishedAt = FinishedAt,
            Error = Error,
            Attributes = StudyMessages.WithSystemAttributes(Attributes, WorkerId, RetryOf, HeartbeatAt),
        };
    }
}
