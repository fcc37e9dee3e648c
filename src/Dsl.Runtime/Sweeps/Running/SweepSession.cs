using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Dsl.Checkpoints;
using Dsl.Search;
using Dsl.Search.Pruning;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.Artifacts;
using Dsl.Training;
using TorchSharp;
using Dsl.Sweeps.Output;
using static TorchSharp.torch;

namespace Dsl.Sweeps.Running;

/// <summary>One run of a sweep: opens the study, recovers and enqueues, drives the jobs, and gathers the result.</summary>
/// <remarks>
/// Each job is a dedicated thread that claims, trains and records trials one after another. Training stays on that one
/// thread from model to disposal, because TorchSharp's dispose scopes belong to the thread that opened them; store
/// calls are awaited synchronously there, which costs nothing with SQLite (its async methods complete synchronously).
/// </remarks>
internal sealed class SweepSession<TModel, TModelHp, TSweepHp>
    where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
    where TModelHp : IHyperparameters<TModelHp>
    where TSweepHp : IHyperparameters<TSweepHp>
{
    // Model construction seeds TorchSharp's process-wide generator and then draws the initial weights from it: two jobs
    // doing that at once would interleave their draws.
    private static readonly Lock ModelCreation = new();

    private readonly SweepDefinition<TSweepHp> definition;
    private readonly SweepData data;
    private readonly SweepOptions options;
    private readonly IStudyStorage storage;
    private readonly string study;
    private readonly SearchSpace modelSpace = TModelHp.SearchSpace;
    private readonly SearchSpace sweepSpace = TSweepHp.SearchSpace;
    private readonly SearchSpace space;
    private readonly ISampler sampler;
    private readonly IPruner? pruner;
    private readonly ISweepObserver progress;
    private readonly int epochs;
    private readonly string outputDirectory;
    private readonly string metricName;
    private readonly string[] workerIds;
    private readonly StudyStandings standings;
    private readonly CheckpointKeeper keeper;
    private readonly SemaphoreSlim claimGate = new(1, 1);
    private readonly Lock bestGate = new();
    private readonly Lock stateGate = new();
    private readonly Stopwatch clock = new();
    private readonly CancellationToken cancellation;
    private readonly CancellationTokenSource training;
    private SweepStopReason? stopReason;
    private ExceptionDispatchInfo? fatal;

    public SweepSession(SweepDefinition<TSweepHp> definition, SweepData data, SweepOptions options, IStudyStorage storage, CancellationToken cancellationToken)
    {
        this.definition = definition;
        this.data = data;
        this.options = options;
        this.storage = storage;
        study = options.Study ?? definition.Name;
        space = modelSpace.Concat(sweepSpace);
        epochs = options.Epochs ?? definition.Epochs;
        sampler = options.Sampler ?? Samplers.Tpe(options.Seed, constantLiar: options.Jobs > 1);
        if (sampler is IBudgetAwareSampler budgeted) sampler = budgeted.ForTrialBudget(options.Trials);
        pruner = options.Pruner;
        progress = new GuardedObserver([options.Progress, .. options.Observers]);
        outputDirectory = Path.GetFullPath(options.OutputDirectory ?? Path.Combine("runs", study));
        standings = new StudyStandings(definition.Direction);
        keeper = new CheckpointKeeper(storage, study, options.Artifacts ?? new FolderArtifactStore(Path.Combine(outputDirectory, "trials")), options, BestCheckpointPath);
        metricName = SweepText.MetricName(definition.Metric);
        var worker = Dsl.Studies.StudyStorage.NewWorkerId();
        workerIds = Enumerable.Range(0, options.Jobs).Select(j => options.Jobs == 1 ? worker : $"{worker}-j{j + 1}").ToArray();
        cancellation = cancellationToken;
        training = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    private StudyDirection Direction => definition.Direction;

    private string BestCheckpointPath => Path.Combine(outputDirectory, "best.pt");

    public async Task<SweepResult<TModel, TModelHp, TSweepHp>> RunAsync()
    {
        clock.Start();
        // Setup is quick and must not be half-done, so it ignores cancellation; a cancelled sweep simply claims nothing.
        await storage.CreateOrOpenStudyAsync(new StudyDefinition(study, Direction, space), CancellationToken.None);
        var policy = options.StaleTrials ?? StaleTrialPolicy.Default with { MaxRetries = options.MaxRetries };
        var recovered = await storage.RecoverStaleTrialsAsync(study, policy, CancellationToken.None);
        var enqueued = await WarmStart.EnqueueAsync(storage, study, space, options.Enqueue, CancellationToken.None);
        var before = await storage.GetTrialsAsync(study, CancellationToken.None);
        standings.Update(before);
        standings.Update(await keeper.AdoptSharedCheckpointAsync(before, Direction));
        progress.SweepStarted(new SweepStart(
            study, storage.Location, metricName, Direction, options.Trials, TrialBudget.Count(before), options.Jobs, epochs,
            sampler.GetType().Name, pruner is null or NopPruner ? "none" : pruner.GetType().Name, recovered, enqueued));

        // Parallel jobs share the CPU: each gets its share of libtorch's intra-op threads instead of all of them fighting.
        var threads = get_num_threads();
        if (options.Jobs > 1) set_num_threads(Math.Max(1, threads / options.Jobs));
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(heartbeatStop.Token);
        try
        {
            var jobs = Enumerable.Range(0, options.Jobs)
                .Select(job => Task.Factory.StartNew(() => RunJob(job), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            await Task.WhenAll(jobs);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            if (options.Jobs > 1) set_num_threads(threads);
            training.Dispose();
            claimGate.Dispose();
        }
        return await FinishAsync();
    }

    private async Task<SweepResult<TModel, TModelHp, TSweepHp>> FinishAsync()
    {
        IReadOnlyList<TrialRecord> trials;
        try
        {
            trials = await storage.GetTrialsAsync(study, CancellationToken.None);
        }
        catch (StudyStorageException) when (fatal is not null)
        {
            trials = [];
        }

        var reason = stopReason ?? SweepStopReason.TrialsReached;
        if (fatal is null)
            trials = Replace(trials, await keeper.DropSurplusAsync(trials, Direction, tidy: true));
        var bestRecord = SweepText.Ranked(trials, Direction).FirstOrDefault();
        Evaluation? test = null;
        SweepBest<TModelHp, TSweepHp>? best = null;
        if (fatal is null && bestRecord is not null)
        {
            var (modelHp, sweepHp) = Split(bestRecord.Parameters);
            var checkpoint = bestRecord.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) && File.Exists(path) ? path : null;
            best = new SweepBest<TModelHp, TSweepHp>(bestRecord.Number, bestRecord.Value!.Value, modelHp, sweepHp, checkpoint);
            // Another process may have found a better trial since this one last published: best.pt follows the study.
            if (checkpoint is not null && !keeper.IsPublished(checkpoint)) keeper.PublishBest(checkpoint);
            if (checkpoint is not null && data.Test is not null && reason != SweepStopReason.Cancelled)
            {
                test = EvaluateOnTest(checkpoint);
                await storage.SetTrialAttributeAsync(study, bestRecord.Number, SweepAttributeKeys.TestAccuracy, Invariant(test.Accuracy));
                await storage.SetTrialAttributeAsync(study, bestRecord.Number, SweepAttributeKeys.TestLoss, Invariant(test.Loss));
                bestRecord = bestRecord with
                {
                    Attributes = new Dictionary<string, string>(bestRecord.Attributes, StringComparer.Ordinal)
                    {
                        [SweepAttributeKeys.TestAccuracy] = Invariant(test.Accuracy),
                        [SweepAttributeKeys.TestLoss] = Invariant(test.Loss),
                    },
                };
                trials = Replace(trials, [bestRecord]);
            }
            WriteBestJson(bestRecord);
        }

        progress.SweepEnded(new SweepEnd(
            study, metricName, Direction, fatal is null ? reason : SweepStopReason.Failed, trials, bestRecord, clock.Elapsed, outputDirectory,
            space, fatal?.SourceException.Message));
        fatal?.Throw();
        return new SweepResult<TModel, TModelHp, TSweepHp>(
            study, definition.Metric, Direction, trials, best, reason, clock.Elapsed, outputDirectory, test);
    }

    private void RunJob(int job)
    {
        try
        {
            while (TryClaim(job) is { } claim)
            {
                RunTrial(claim, job);
                // TorchSharp tensors that escaped a scope are freed by finalizers: run them now, so memory stays flat
                // from trial to trial instead of growing until the GC happens to notice.
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        catch (Exception e)
        {
            lock (stateGate)
            {
                fatal ??= ExceptionDispatchInfo.Capture(e);
                stopReason = SweepStopReason.Failed;
            }
            training.Cancel();
        }
    }

    private Claim? TryClaim(int job)
    {
        claimGate.Wait();
        try
        {
            if (Stopping()) return null;
            var trials = Wait(storage.GetTrialsAsync(study, CancellationToken.None));
            standings.Update(trials);
            var counted = TrialBudget.Count(trials);
            if (counted >= options.Trials) return Stop(SweepStopReason.TrialsReached);

            ClaimedTrial claimed;
            string? sampledBy = null;
            try
            {
                claimed = Wait(storage.ClaimTrialAsync(study, workerIds[job], (number, history) =>
                {
                    // Checked again inside the claim, which the store serialises: other processes may share the study.
                    if (TrialBudget.Count(history) >= options.Trials) throw new BudgetReachedException();
                    sampledBy = SampledBy(history);
                    return sampler.Sample(space, history, Direction);
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
            else if (options.Timeout is { } timeout && clock.Elapsed >= timeout) stopReason = SweepStopReason.Timeout;
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
        var seed = TrialSeed(options.Seed, number);
        // Recorded with the trial's final state, in the same store call.
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SweepAttributeKeys.Seed] = seed.ToString(CultureInfo.InvariantCulture),
            [SweepAttributeKeys.SampledBy] = claim.SampledBy,
        };

        Outcome outcome;
        using (NewDisposeScope())
            outcome = Train(claim.Trial, claim.Index, seed, tags, job, claim.RetryOf);

        int? retriedAs = null;
        if (outcome.Interrupted && claim.Attempt < options.MaxRetries)
        {
            retriedAs = Wait(storage.EnqueueTrialAsync(study, claim.Trial.Parameters));
            Wait(storage.SetTrialAttributeAsync(study, retriedAs.Value, SweepAttributeKeys.RetryOf, number.ToString(CultureInfo.InvariantCulture)));
            Wait(storage.SetTrialAttributeAsync(study, number, SweepAttributeKeys.RetriedAs, retriedAs.Value.ToString(CultureInfo.InvariantCulture)));
        }

        var best = standings.Best;
        progress.TrialEnded(new TrialEnd(
            number, outcome.State, outcome.Value, outcome.Error, outcome.EpochsTrained, started.Elapsed, outcome.IsNewBest,
            best?.Number, best?.Value, job, retriedAs));
    }

    /// <summary>Builds, trains and records one trial; everything it allocates dies with the caller's dispose scope.</summary>
    private Outcome Train(ClaimedTrial claim, int index, int seed, IReadOnlyDictionary<string, string> tags, int job, int? retryOf)
    {
        var number = claim.Number;
        TModelHp modelHp;
        TrainingOptions trainingOptions;
        try
        {
            TSweepHp sweepHp;
            (modelHp, sweepHp) = Split(claim.Parameters);
            trainingOptions = definition.Configure((options.Training ?? new TrainingOptions()) with { Epochs = epochs, Seed = seed, Device = options.Device }, sweepHp);
            trainingOptions.Validate();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            progress.TrialStarted(new TrialStart(number, index, options.Trials, claim.Parameters, epochs, job, retryOf));
            return Fail(number, tags, TrialResult.Failed(e), epochsTrained: 0);
        }

        progress.TrialStarted(new TrialStart(number, index, options.Trials, claim.Parameters, trainingOptions.Epochs, job, retryOf));
        var callback = new TrialCallback(storage, study, Direction, definition.Monitored, pruner, progress, standings, number, claim.Parameters, trainingOptions.Epochs, job);
        TModel? model = null;
        try
        {
            lock (ModelCreation) model = Trainer.CreateModel<TModel, TModelHp>(modelHp, seed, options.Device);
            var result = new Trainer(trainingOptions).Fit(ModelAdapter.FromAny(model), data.Train, data.Validation, callback, training.Token);
            if (callback.Lost) return Lost(callback.EpochsTrained);

            switch (result.Outcome)
            {
                case TrainingOutcome.Cancelled:
                    var why = cancellation.IsCancellationRequested ? "interrupted by user" : "interrupted: the sweep failed in another job";
                    return Fail(number, tags, TrialResult.Failed($"{why} ({result.Message})"), callback.EpochsTrained) with { Interrupted = true };
                case TrainingOutcome.Diverged:
                    return Fail(number, tags, TrialResult.Failed(result.Divergence?.ToString() ?? "diverged: " + result.Message), callback.EpochsTrained, result.Outcome);
            }

            // The value must be the one of the weights the model now holds, so the saved checkpoint reproduces it.
            var standing = result.RestoredBestWeights && result.Best is { } bestEpoch ? bestEpoch : result.Epochs.Count > 0 ? result.Epochs[^1] : null;
            if (result.Outcome == TrainingOutcome.Pruned)
            {
                var kept = keeper.KeepsPruned && standing is not null ? SaveCheckpoint(number, model, standing) : null;
                Wait(storage.FinishTrialAsync(study, number, TrialResult.Pruned(callback.LastValue) with { Attributes = Attributes(tags, result.Outcome, kept) }));
                return new Outcome(TrialState.Pruned, callback.LastValue, null, callback.EpochsTrained);
            }
            var value = standing is null ? double.NaN : definition.Monitored.Read(standing);
            if (!double.IsFinite(value))
                return Fail(number, tags, TrialResult.Failed($"the validation {metricName} is {value} after {result.Epochs.Count} epoch(s)"), callback.EpochsTrained, result.Outcome);
            return Complete(claim, tags, model, value, standing!, result.Outcome, callback);
        }
        catch (TrialStateException)
        {
            return Lost(callback.EpochsTrained);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StudyStorageException)
        {
            return Fail(number, tags, TrialResult.Failed(e), callback.EpochsTrained);
        }
        finally
        {
            model?.Dispose();
        }
    }

    /// <summary>
    /// Records a complete trial with its final attributes in one store call: its own checkpoint when it ranks among the
    /// kept ones, saved first, so a recorded checkpoint is always there. A new best is copied to <c>best.pt</c>, and a
    /// checkpoint it pushes out of the kept ones is deleted.
    /// </summary>
    private Outcome Complete(ClaimedTrial claim, IReadOnlyDictionary<string, string> tags, TModel model, double value, EpochReport standing, TrainingOutcome how, TrialCallback callback)
    {
        var number = claim.Number;
        bool isNewBest;
        lock (bestGate)
        {
            var rank = standings.Rank(number, value);
            isNewBest = rank == 0;
            var checkpoint = keeper.KeepsRank(rank) ? SaveCheckpoint(number, model, standing) : null;
            var attributes = Attributes(tags, how, checkpoint);
            attributes[SweepAttributeKeys.Epoch] = standing.Epoch.ToString(CultureInfo.InvariantCulture);
            Wait(storage.FinishTrialAsync(study, number, TrialResult.Complete(value) with { Attributes = attributes }));

            var record = new TrialRecord(number, TrialState.Complete, claim.Parameters, value, new Dictionary<int, double>(callback.IntermediateValues))
            {
                StartedAt = claim.StartedAt,
                Attributes = attributes,
            };
            standings.Update(record);
            if (isNewBest)
            {
                if (checkpoint is not null) keeper.PublishBest(checkpoint);
                WriteBestJson(record);
            }
            standings.Update(Wait(keeper.DropSurplusAsync(standings.Trials, Direction, tidy: false)));
        }
        return new Outcome(TrialState.Complete, value, null, callback.EpochsTrained) { IsNewBest = isNewBest };
    }

    private string? SaveCheckpoint(int number, TModel model, EpochReport standing) =>
        keeper.Save(number, path => Checkpoint.Save<TModel, TModelHp>(
            model, path, standing.Validation.ForEpoch(standing.Epoch) with { Normalization = data.Normalization }));

    /// <summary>The attributes a finished trial is recorded with: its <paramref name="tags"/>, how it ended, and its checkpoint.</summary>
    private static Dictionary<string, string> Attributes(IReadOnlyDictionary<string, string> tags, TrainingOutcome? how, string? checkpoint = null)
    {
        var attributes = new Dictionary<string, string>(tags, StringComparer.Ordinal);
        if (how is { } outcome) attributes[SweepAttributeKeys.Outcome] = outcome.ToString();
        if (checkpoint is not null) attributes[SweepAttributeKeys.Checkpoint] = checkpoint;
        return attributes;
    }

    private static IReadOnlyList<TrialRecord> Replace(IReadOnlyList<TrialRecord> trials, IReadOnlyList<TrialRecord> changed)
    {
        if (changed.Count == 0) return trials;
        var byNumber = changed.ToDictionary(t => t.Number);
        return trials.Select(t => byNumber.GetValueOrDefault(t.Number, t)).ToList();
    }

    private static Outcome Lost(int epochsTrained) =>
        new(TrialState.Failed, null, "lost: another worker recovered it as stale after its heartbeat stopped", epochsTrained);

    private Outcome Fail(int number, IReadOnlyDictionary<string, string> tags, TrialResult failure, int epochsTrained, TrainingOutcome? how = null)
    {
        try
        {
            Wait(storage.FinishTrialAsync(study, number, failure with { Attributes = Attributes(tags, how) }));
        }
        catch (TrialStateException)
        {
            // Another worker recovered the trial as stale and failed it already; its record stands.
        }
        return new Outcome(TrialState.Failed, null, failure.Error, epochsTrained);
    }

    private (TModelHp Model, TSweepHp Sweep) Split(IReadOnlyDictionary<string, object> parameters) =>
        (TModelHp.FromValues(BestTrialJson.Only(parameters, modelSpace)), TSweepHp.FromValues(BestTrialJson.Only(parameters, sweepSpace)));

    private Evaluation EvaluateOnTest(string checkpoint)
    {
        using var scope = NewDisposeScope();
        using var model = Checkpoint.Load<TModel, TModelHp>(checkpoint, options.Device);
        return new Trainer(new TrainingOptions { Device = options.Device }).Evaluate(ModelAdapter.FromAny(model), data.Test!);
    }

    private void WriteBestJson(TrialRecord best)
    {
        var (modelHp, sweepHp) = Split(best.Parameters);
        var text = BestTrialJson.Write(study, Direction, metricName, best, modelHp.ToValues(), sweepHp.ToValues());
        var path = Path.Combine(outputDirectory, BestTrialJson.FileName);
        try
        {
            Directory.CreateDirectory(outputDirectory);
            // Written aside and moved into place, so a reader (or a crash) never sees half a file.
            var temp = path + ".tmp-" + Environment.ProcessId;
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The study holds the same facts; `best` prints them again from the study file.
            Trace.TraceWarning($"Could not write '{path}': {e.Message}");
        }
    }

    private async Task HeartbeatAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var worker in workerIds)
                {
                    try
                    {
                        await storage.HeartbeatAsync(worker, CancellationToken.None);
                    }
                    catch (StudyStorageException e)
                    {
                        // A missed beat is harmless unless the store stays unreachable past the stale timeout, and then
                        // the trials' own writes fail too, which ends the sweep with that error.
                        Trace.TraceWarning($"Sweep heartbeat failed: {e.Message}");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Wait(Task task) => task.GetAwaiter().GetResult();

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A trial's seed: a mix of the sweep's seed and the trial number, so neighbouring trials get unrelated streams.</summary>
    internal static int TrialSeed(int seed, int number)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)number) + 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return (int)((z ^ (z >> 31)) & 0x7FFF_FFFF);
    }

    private string SampledBy(IReadOnlyList<TrialRecord> history) => sampler.Describe(history, Direction);

    private sealed record Claim(ClaimedTrial Trial, int Index, int Attempt, int? RetryOf, string SampledBy);

    private sealed record Outcome(TrialState State, double? Value, string? Error, int EpochsTrained)
    {
        public bool IsNewBest { get; init; }

        public bool Interrupted { get; init; }
    }

    private sealed class BudgetReachedException : Exception;
}
