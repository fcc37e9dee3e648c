using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Dsl.Search;
using Dsl.Search.Pruning;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.Artifacts;
using Dsl.Training;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps.Running;

/// <summary>
/// One run of a sweep: opens the study, recovers and enqueues, drives the jobs that claim and record trials, and gathers
/// the result. What one trial does is up to the subclass: train a generated model, or call the user's objective.
/// </summary>
/// <remarks>
/// Each job is a dedicated thread that claims, runs and records trials one after another. A model trial stays on that
/// one thread from model to disposal, because TorchSharp's dispose scopes belong to the thread that opened them; store
/// calls are awaited synchronously there, which costs nothing with SQLite (its async methods complete synchronously).
/// </remarks>
internal abstract class SweepSession
{
    private readonly SemaphoreSlim claimGate = new(1, 1);
    private readonly Lock bestGate = new();
    private readonly Lock stateGate = new();
    private readonly Stopwatch clock = new();
    private readonly CancellationToken cancellation;
    private readonly string[] workerIds;
    private SweepStopReason? stopReason;
    private ExceptionDispatchInfo? fatal;

    protected SweepSession(
        string name, StudyDirection direction, string metricName, SearchSpace space, int epochs, SweepOptions options, IStudyStorage storage, CancellationToken cancellationToken)
    {
        Options = options;
        Storage = storage;
        Study = options.Study ?? name;
        Direction = direction;
        MetricName = metricName;
        Space = space;
        Epochs = epochs;
        var sampler = options.Sampler ?? Samplers.Tpe(options.Seed, constantLiar: options.Jobs > 1);
        Sampler = sampler is IBudgetAwareSampler budgeted ? budgeted.ForTrialBudget(options.Trials) : sampler;
        Pruner = options.Pruner;
        Progress = new GuardedObserver([options.Progress, .. options.Observers]);
        OutputDirectory = Path.GetFullPath(options.OutputDirectory ?? Path.Combine("runs", Study));
        Standings = new StudyStandings(direction);
        Keeper = new CheckpointKeeper(storage, Study, options.Artifacts ?? new FolderArtifactStore(Path.Combine(OutputDirectory, "trials")), options, BestCheckpointPath, Warn);
        var worker = options.WorkerId ?? Dsl.Studies.StudyStorage.NewWorkerId();
        workerIds = Enumerable.Range(0, options.Jobs).Select(j => options.Jobs == 1 ? worker : $"{worker}-j{j + 1}").ToArray();
        cancellation = cancellationToken;
        Training = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    protected SweepOptions Options { get; }

    protected IStudyStorage Storage { get; }

    protected string Study { get; }

    protected StudyDirection Direction { get; }

    protected string MetricName { get; }

    protected SearchSpace Space { get; }

    /// <summary>The most epochs (or reported steps) a trial runs: the pruners' budget.</summary>
    protected int Epochs { get; }

    protected ISampler Sampler { get; }

    protected IPruner? Pruner { get; }

    protected ISweepObserver Progress { get; }

    protected string OutputDirectory { get; }

    protected StudyStandings Standings { get; }

    protected CheckpointKeeper Keeper { get; }

    /// <summary>Fires on Ctrl-C and when another job failed the sweep: running trials should stop.</summary>
    protected CancellationTokenSource Training { get; }

    protected string BestCheckpointPath => Path.Combine(OutputDirectory, "best.pt");

    /// <summary>Runs one claimed trial to its final state and records it (through <see cref="Complete"/>, <see cref="Fail"/> and the like).</summary>
    protected abstract Outcome RunClaimed(Claim claim, int seed, IReadOnlyDictionary<string, string> tags, int job);

    /// <summary>The groups of <c>best.json</c>'s hyperparameters (the model's and the training's, or the objective's), typed and completed.</summary>
    protected abstract IReadOnlyList<(string Name, IReadOnlyDictionary<string, object> Values)> BestGroups(IReadOnlyDictionary<string, object> parameters);

    /// <summary>Whether trials keep checkpoints, so the session tidies them; a sweep of user code has none, and spares its store the work.</summary>
    protected virtual bool KeepsCheckpoints => true;

    /// <summary>Called once when the jobs are about to start, and <see cref="JobsEnded"/> when they have stopped.</summary>
    protected virtual void JobsStarting()
    {
    }

    protected virtual void JobsEnded()
    {
    }

    /// <summary>Called on the job's thread after each trial.</summary>
    protected virtual void AfterTrial()
    {
    }

    /// <summary>Lets a subclass finish the best trial when the sweep ends (test it, publish its checkpoint); returns it as now recorded.</summary>
    protected virtual Task<TrialRecord> FinishBestAsync(TrialRecord best, SweepStopReason reason) => Task.FromResult(best);

    /// <summary>Runs the session; returns every trial of the study, the best one, and why it stopped. Rethrows a store failure.</summary>
    protected async Task<SessionEnd> RunSessionAsync()
    {
        clock.Start();
        // Setup is quick and must not be half-done, so it ignores cancellation; a cancelled sweep simply claims nothing.
        await Storage.CreateOrOpenStudyAsync(new StudyDefinition(Study, Direction, Space), CancellationToken.None);
        var policy = Options.StaleTrials ?? StaleTrialPolicy.Default with { MaxRetries = Options.MaxRetries };
        var recovered = await Storage.RecoverStaleTrialsAsync(Study, policy, CancellationToken.None);
        var enqueued = await WarmStart.EnqueueAsync(Storage, Study, Space, Options.Enqueue, CancellationToken.None);
        var before = await Storage.GetTrialsAsync(Study, CancellationToken.None);
        Standings.Update(before);
        if (KeepsCheckpoints) Standings.Update(await Keeper.AdoptSharedCheckpointAsync(before, Direction));
        Progress.SweepStarted(new SweepStart(
            Study, Storage.Location, MetricName, Direction, Options.Trials, TrialBudget.Count(before), Options.Jobs, Epochs,
            Sampler.GetType().Name, Pruner is null or NopPruner ? "none" : Pruner.GetType().Name, recovered, enqueued));

        JobsStarting();
        using var heartbeatStop = new CancellationTokenSource();
        // From now on this process has claims of its own, so only trials that really lost their worker are stale.
        var heartbeat = HeartbeatAsync(policy with { TreatAllRunningAsStale = false }, heartbeatStop.Token);
        try
        {
            var jobs = Enumerable.Range(0, Options.Jobs)
                .Select(job => Task.Factory.StartNew(() => RunJob(job), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            await Task.WhenAll(jobs);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            JobsEnded();
            Training.Dispose();
            claimGate.Dispose();
        }
        return await FinishAsync();
    }

    private async Task<SessionEnd> FinishAsync()
    {
        IReadOnlyList<TrialRecord> trials;
        try
        {
            trials = await Storage.GetTrialsAsync(Study, CancellationToken.None);
        }
        catch (StudyStorageException) when (fatal is not null)
        {
            trials = [];
        }

        var reason = stopReason ?? SweepStopReason.TrialsReached;
        if (fatal is null && KeepsCheckpoints)
            trials = Replace(trials, await Keeper.DropSurplusAsync(trials, Direction, tidy: true));
        var bestRecord = SweepText.Ranked(trials, Direction).FirstOrDefault();
        if (fatal is null && bestRecord is not null)
        {
            var finished = await FinishBestAsync(bestRecord, reason);
            if (!ReferenceEquals(finished, bestRecord)) trials = Replace(trials, [finished]);
            bestRecord = finished;
            WriteBestJson(bestRecord);
        }

        Progress.SweepEnded(new SweepEnd(
            Study, MetricName, Direction, fatal is null ? reason : SweepStopReason.Failed, trials, bestRecord, clock.Elapsed, OutputDirectory,
            Space, fatal?.SourceException.Message) { Fusions = fatal is null ? await FusionsAsync() : [] });
        fatal?.Throw();
        return new SessionEnd(trials, fatal is null ? bestRecord : null, reason, clock.Elapsed);
    }

    private void RunJob(int job)
    {
        try
        {
            while (TryClaim(job) is { } claim)
            {
                RunTrial(claim, job);
                AfterTrial();
            }
        }
        catch (Exception e)
        {
            lock (stateGate)
            {
                fatal ??= ExceptionDispatchInfo.Capture(e);
                stopReason = SweepStopReason.Failed;
            }
            Training.Cancel();
        }
    }

    private Claim? TryClaim(int job)
    {
        claimGate.Wait();
        try
        {
            if (Stopping()) return null;
            var trials = Wait(Storage.GetTrialsAsync(Study, CancellationToken.None));
            Standings.Update(trials);
            var counted = TrialBudget.Count(trials);
            if (counted >= Options.Trials) return Stop(SweepStopReason.TrialsReached);

            ClaimedTrial claimed;
            string? sampledBy = null;
            try
            {
                claimed = Wait(Storage.ClaimTrialAsync(Study, workerIds[job], (number, history) =>
                {
                    // Checked again inside the claim, which the store serialises: other processes may share the study.
                    if (TrialBudget.Count(history) >= Options.Trials) throw new BudgetReachedException();
                    sampledBy = SampledBy(history);
                    return Sampler.Sample(Space, history, Direction);
                }, CancellationToken.None));
            }
            catch (BudgetReachedException)
            {
                return Stop(SweepStopReason.TrialsReached);
            }
            catch (SamplerExhaustedException)
            {
                return Stop(SweepStopReason.SamplerExhausted);
            }
            // A claimed waiting trial was in the snapshot, with the retry link its store or runner gave it.
            var waiting = trials.FirstOrDefault(t => t.Number == claimed.Number);
            var retryOf = claimed.RetryOf ?? (waiting is null ? null : SweepTables.RetryOf(waiting));
            var how = claimed.Enqueued ? retryOf is null ? "enqueued" : "retry" : sampledBy ?? "sampled";
            return new Claim(claimed, counted + 1, TrialBudget.Attempt(claimed.Number, trials), retryOf, how);
        }
        finally
        {
            claimGate.Release();
        }
    }

    private bool Stopping()
    {
        lock (stateGate)
        {
            if (stopReason is not null) return true;
            if (cancellation.IsCancellationRequested) stopReason = SweepStopReason.Cancelled;
            else if (Options.Timeout is { } timeout && clock.Elapsed >= timeout) stopReason = SweepStopReason.Timeout;
            return stopReason is not null;
        }
    }

    private Claim? Stop(SweepStopReason reason)
    {
        lock (stateGate) stopReason ??= reason;
        return null;
    }

    private void RunTrial(Claim claim, int job)
    {
        var started = Stopwatch.StartNew();
        var number = claim.Trial.Number;
        var seed = TrialSeed(Options.Seed, number);
        // Recorded with the trial's final state, in the same store call.
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SweepAttributeKeys.Seed] = seed.ToString(CultureInfo.InvariantCulture),
            [SweepAttributeKeys.SampledBy] = claim.SampledBy,
        };

        var outcome = RunClaimed(claim, seed, tags, job);

        int? retriedAs = null;
        if (outcome.Interrupted && claim.Attempt < Options.MaxRetries)
        {
            retriedAs = Wait(Storage.EnqueueTrialAsync(Study, claim.Trial.Parameters));
            Wait(Storage.SetTrialAttributeAsync(Study, retriedAs.Value, SweepAttributeKeys.RetryOf, number.ToString(CultureInfo.InvariantCulture)));
            Wait(Storage.SetTrialAttributeAsync(Study, number, SweepAttributeKeys.RetriedAs, retriedAs.Value.ToString(CultureInfo.InvariantCulture)));
        }

        var best = Standings.Best;
        Progress.TrialEnded(new TrialEnd(
            number, outcome.State, outcome.Value, outcome.Error, outcome.EpochsTrained, started.Elapsed, outcome.IsNewBest,
            best?.Number, best?.Value, job, retriedAs));
    }

    /// <summary>
    /// Records a complete trial with its final attributes in one store call: its own checkpoint when it ranks among the
    /// kept ones (written by <paramref name="saveCheckpoint"/> first, so a recorded checkpoint is always there). A new best
    /// is copied to <c>best.pt</c>, and a checkpoint it pushes out of the kept ones is deleted.
    /// </summary>
    protected Outcome Complete(
        ClaimedTrial claim, IReadOnlyDictionary<string, string> tags, double value, IReadOnlyDictionary<int, double> intermediate, int epochsTrained,
        TrainingOutcome? how, int? epoch, Func<string?>? saveCheckpoint)
    {
        var number = claim.Number;
        bool isNewBest;
        lock (bestGate)
        {
            var rank = Standings.Rank(number, value);
            isNewBest = rank == 0;
            var checkpoint = saveCheckpoint is not null && Keeper.KeepsRank(rank) ? saveCheckpoint() : null;
            var attributes = Attributes(tags, how, checkpoint);
            if (epoch is { } e) attributes[SweepAttributeKeys.Epoch] = e.ToString(CultureInfo.InvariantCulture);
            Wait(Storage.FinishTrialAsync(Study, number, TrialResult.Complete(value) with { Attributes = attributes }));

            var record = new TrialRecord(number, TrialState.Complete, claim.Parameters, value, new Dictionary<int, double>(intermediate))
            {
                StartedAt = claim.StartedAt,
                Attributes = attributes,
            };
            Standings.Update(record);
            if (isNewBest)
            {
                if (checkpoint is not null) Keeper.PublishBest(checkpoint);
                WriteBestJson(record);
            }
            if (KeepsCheckpoints) Standings.Update(Wait(Keeper.DropSurplusAsync(Standings.Trials, Direction, tidy: false)));
        }
        return new Outcome(TrialState.Complete, value, null, epochsTrained) { IsNewBest = isNewBest };
    }

    /// <summary>Records a pruned trial, standing for its last reported value.</summary>
    protected Outcome Prune(int number, IReadOnlyDictionary<string, string> tags, double? lastValue, int epochsTrained, TrainingOutcome? how, string? checkpoint = null)
    {
        Wait(Storage.FinishTrialAsync(Study, number, TrialResult.Pruned(lastValue) with { Attributes = Attributes(tags, how, checkpoint) }));
        return new Outcome(TrialState.Pruned, lastValue, null, epochsTrained);
    }

    /// <summary>Records a trial stopped by Ctrl-C, or by another job's failure, as failed and to be retried.</summary>
    protected Outcome Interrupt(int number, IReadOnlyDictionary<string, string> tags, string? detail, int epochsTrained)
    {
        var why = cancellation.IsCancellationRequested ? "interrupted by user" : "interrupted: the sweep failed in another job";
        var outcome = Fail(number, tags, TrialResult.Failed($"{why} ({detail})"), epochsTrained);
        return outcome.IsLost ? outcome : outcome with { Interrupted = true };
    }

    /// <summary>The fusions recorded in the study, so a rerun's report keeps its Fusion section.</summary>
    private async Task<IReadOnlyList<FusionRecord>> FusionsAsync()
    {
        try
        {
            return FusionRecord.FromAttributes(await Storage.GetStudyAttributesAsync(Study));
        }
        catch (StudyStorageException e)
        {
            Warn($"Could not read the study's fusion results: {e.Message}");
            return [];
        }
    }

    /// <summary>The attributes a finished trial is recorded with: its <paramref name="tags"/>, how it ended, and its checkpoint.</summary>
    protected static Dictionary<string, string> Attributes(IReadOnlyDictionary<string, string> tags, TrainingOutcome? how, string? checkpoint = null)
    {
        var attributes = new Dictionary<string, string>(tags, StringComparer.Ordinal);
        if (how is { } outcome) attributes[SweepAttributeKeys.Outcome] = outcome.ToString();
        if (checkpoint is not null) attributes[SweepAttributeKeys.Checkpoint] = checkpoint;
        return attributes;
    }

    /// <summary>Tells the observers (the console among them) and the trace listeners about a problem the sweep works around.</summary>
    protected void Warn(string message)
    {
        Trace.TraceWarning(message);
        Progress.Warning(message);
    }

    protected static IReadOnlyList<TrialRecord> Replace(IReadOnlyList<TrialRecord> trials, IReadOnlyList<TrialRecord> changed)
    {
        if (changed.Count == 0) return trials;
        var byNumber = changed.ToDictionary(t => t.Number);
        return trials.Select(t => byNumber.GetValueOrDefault(t.Number, t)).ToList();
    }

    protected static Outcome Lost(int epochsTrained) =>
        new(TrialState.Failed, null, "lost: another worker recovered it as stale after its heartbeat stopped", epochsTrained) { IsLost = true };

    protected Outcome Fail(int number, IReadOnlyDictionary<string, string> tags, TrialResult failure, int epochsTrained, TrainingOutcome? how = null)
    {
        try
        {
            Wait(Storage.FinishTrialAsync(Study, number, failure with { Attributes = Attributes(tags, how) }));
        }
        catch (TrialStateException)
        {
            // Another worker recovered the trial as stale and failed it already; its record stands, and that recovery
            // queued its retry if one was due, so this session must not queue another.
            return Lost(epochsTrained);
        }
        return new Outcome(TrialState.Failed, null, failure.Error, epochsTrained);
    }

    private void WriteBestJson(TrialRecord best)
    {
        var text = BestTrialJson.Write(Study, Direction, MetricName, best, BestGroups(best.Parameters));
        var path = Path.Combine(OutputDirectory, BestTrialJson.FileName);
        try
        {
            Directory.CreateDirectory(OutputDirectory);
            // Written aside and moved into place, so a reader (or a crash) never sees half a file.
            var temp = path + ".tmp-" + Environment.ProcessId;
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The study holds the same facts; `best` prints them again from the study file.
            Warn($"Could not write '{path}': {e.Message}");
        }
    }

    /// <summary>
    /// Beats for this process's workers every <see cref="SweepOptions.HeartbeatInterval"/>, and recovers the trials of
    /// workers that stopped beating (on other machines too), so that a live worker retries a killed one's trial within
    /// the heartbeat timeout and an interval.
    /// </summary>
    private async Task HeartbeatAsync(StaleTrialPolicy policy, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    foreach (var worker in workerIds)
                        await Storage.HeartbeatAsync(worker, CancellationToken.None);
                    await Storage.RecoverStaleTrialsAsync(Study, policy, CancellationToken.None);
                    if (failing) Warn("Sweep heartbeat works again.");
                    failing = false;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed beat is harmless unless the store stays unreachable past the stale timeout, and then
                    // the trials' own writes fail too, which ends the sweep with that error. Any error counts (a
                    // driver's InvalidOperationException, a TimeoutException): one escaping would fault this task and
                    // its rethrow at the sweep's end would hide the sweep's own result.
                    // One warning per outage, not one per interval.
                    if (!failing) Warn($"Sweep heartbeat failed: {e.Message}");
                    else Trace.TraceWarning($"Sweep heartbeat failed: {e.Message}");
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    protected static void Wait(Task task) => task.GetAwaiter().GetResult();

    /// <summary>A trial's seed: a mix of the sweep's seed and the trial number, so neighbouring trials get unrelated streams.</summary>
    internal static int TrialSeed(int seed, int number)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)number) + 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return (int)((z ^ (z >> 31)) & 0x7FFF_FFFF);
    }

    private string SampledBy(IReadOnlyList<TrialRecord> history) => Sampler.Describe(history, Direction);

    /// <summary>A claimed trial: its position towards the study's size, its retry chain, and how its parameters were chosen.</summary>
    protected sealed record Claim(ClaimedTrial Trial, int Index, int Attempt, int? RetryOf, string SampledBy);

    /// <summary>How a trial ended, for the progress display and the retry decision.</summary>
    protected sealed record Outcome(TrialState State, double? Value, string? Error, int EpochsTrained)
    {
        public bool IsNewBest { get; init; }

        public bool Interrupted { get; init; }

        /// <summary>Another worker recovered the trial as stale before this one could finish it; that recovery handled its retry.</summary>
        public bool IsLost { get; init; }
    }

    /// <summary>What a session ends with.</summary>
    protected sealed record SessionEnd(IReadOnlyList<TrialRecord> Trials, TrialRecord? Best, SweepStopReason Reason, TimeSpan Elapsed);

    private sealed class BudgetReachedException : Exception;
}
