using System.Globalization;
using Dsl.Checkpoints;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Training;
using Dsl.Sweeps.Output;
using static TorchSharp.torch;

namespace Dsl.Sweeps.Running;

/// <summary>A sweep session whose trials build a generated model and train it with the runtime trainer.</summary>
internal sealed class ModelSweepSession<TModel, TModelHp, TSweepHp> : SweepSession
    where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
    where TModelHp : IHyperparameters<TModelHp>
    where TSweepHp : IHyperparameters<TSweepHp>
{
    // Model construction seeds TorchSharp's process-wide generator and then draws the initial weights from it: two jobs
    // doing that at once would interleave their draws.
    private static readonly Lock ModelCreation = new();

    private readonly SweepDefinition<TSweepHp> definition;
    private readonly SweepData data;
    private readonly SearchSpace modelSpace = TModelHp.SearchSpace;
    private readonly SearchSpace sweepSpace = TSweepHp.SearchSpace;
    private int threads;
    private Evaluation? test;

    public ModelSweepSession(SweepDefinition<TSweepHp> definition, SweepData data, SweepOptions options, IStudyStorage storage, CancellationToken cancellationToken)
        : base(definition.Name, definition.Direction, SweepText.MetricName(definition.Metric), TModelHp.SearchSpace.Concat(TSweepHp.SearchSpace),
            options.Epochs ?? definition.Epochs, options, storage, cancellationToken)
    {
        this.definition = definition;
        this.data = data;
    }

    public async Task<SweepResult<TModel, TModelHp, TSweepHp>> RunAsync()
    {
        var end = await RunSessionAsync();
        SweepBest<TModelHp, TSweepHp>? best = null;
        if (end.Best is { } record)
        {
            var (modelHp, sweepHp) = Split(record.Parameters);
            var checkpoint = record.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) && File.Exists(path) ? path : null;
            best = new SweepBest<TModelHp, TSweepHp>(record.Number, record.Value!.Value, modelHp, sweepHp, checkpoint);
        }
        return new SweepResult<TModel, TModelHp, TSweepHp>(
            Study, definition.Metric, Direction, end.Trials, best, end.Reason, end.Elapsed, OutputDirectory, test);
    }

    protected override void JobsStarting()
    {
        // Parallel jobs share the CPU: each gets its share of libtorch's intra-op threads instead of all of them fighting.
        threads = get_num_threads();
        if (Options.Jobs > 1) set_num_threads(Math.Max(1, threads / Options.Jobs));
    }

    protected override void JobsEnded()
    {
        if (Options.Jobs > 1) set_num_threads(threads);
    }

    protected override void AfterTrial()
    {
        // TorchSharp tensors that escaped a scope are freed by finalizers: run them now, so memory stays flat
        // from trial to trial instead of growing until the GC happens to notice.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    protected override async Task<TrialRecord> FinishBestAsync(TrialRecord best, SweepStopReason reason)
    {
        var checkpoint = best.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) && File.Exists(path) ? path : null;
        // Another process may have found a better trial since this one last published: best.pt follows the study.
        if (checkpoint is not null && !Keeper.IsPublished(checkpoint)) Keeper.PublishBest(checkpoint);
        if (checkpoint is null || data.Test is null || reason == SweepStopReason.Cancelled) return best;

        test = EvaluateOnTest(checkpoint);
        await Storage.SetTrialAttributeAsync(Study, best.Number, SweepAttributeKeys.TestAccuracy, Invariant(test.Accuracy));
        await Storage.SetTrialAttributeAsync(Study, best.Number, SweepAttributeKeys.TestLoss, Invariant(test.Loss));
        return best with
        {
            Attributes = new Dictionary<string, string>(best.Attributes, StringComparer.Ordinal)
            {
                [SweepAttributeKeys.TestAccuracy] = Invariant(test.Accuracy),
                [SweepAttributeKeys.TestLoss] = Invariant(test.Loss),
            },
        };
    }

    protected override IReadOnlyList<(string Name, IReadOnlyDictionary<string, object> Values)> BestGroups(IReadOnlyDictionary<string, object> parameters)
    {
        var (modelHp, sweepHp) = Split(parameters);
        return [("model", modelHp.ToValues()), ("training", sweepHp.ToValues())];
    }

    protected override Outcome RunClaimed(Claim claim, int seed, IReadOnlyDictionary<string, string> tags, int job)
    {
        using (NewDisposeScope())
            return Train(claim.Trial, claim.Index, seed, tags, job, claim.RetryOf);
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
            trainingOptions = definition.Configure((Options.Training ?? new TrainingOptions()) with { Epochs = Epochs, Seed = seed, Device = Options.Device }, sweepHp);
            trainingOptions.Validate();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Progress.TrialStarted(new TrialStart(number, index, Options.Trials, claim.Parameters, Epochs, job, retryOf));
            return Fail(number, tags, TrialResult.Failed(e), epochsTrained: 0);
        }

        Progress.TrialStarted(new TrialStart(number, index, Options.Trials, claim.Parameters, trainingOptions.Epochs, job, retryOf));
        var callback = new TrialCallback(Storage, Study, Direction, definition.Monitored, Pruner, Progress, Standings, number, claim.Parameters, trainingOptions.Epochs, job);
        TModel? model = null;
        try
        {
            lock (ModelCreation) model = Trainer.CreateModel<TModel, TModelHp>(modelHp, seed, Options.Device);
            var result = new Trainer(trainingOptions).Fit(ModelAdapter.FromAny(model), data.Train, data.Validation, callback, Training.Token);
            if (callback.Lost) return Lost(callback.EpochsTrained);

            switch (result.Outcome)
            {
                case TrainingOutcome.Cancelled:
                    return Interrupt(number, tags, result.Message, callback.EpochsTrained);
                case TrainingOutcome.Diverged:
                    return Fail(number, tags, TrialResult.Failed(result.Divergence?.ToString() ?? "diverged: " + result.Message), callback.EpochsTrained, result.Outcome);
            }

            // The value must be the one of the weights the model now holds, so the saved checkpoint reproduces it.
            var standing = result.RestoredBestWeights && result.Best is { } bestEpoch ? bestEpoch : result.Epochs.Count > 0 ? result.Epochs[^1] : null;
            if (result.Outcome == TrainingOutcome.Pruned)
            {
                var kept = Keeper.KeepsPruned && standing is not null ? SaveCheckpoint(number, model, standing) : null;
                return Prune(number, tags, callback.LastValue, callback.EpochsTrained, result.Outcome, kept);
            }
            var value = standing is null ? double.NaN : definition.Monitored.Read(standing);
            if (!double.IsFinite(value))
                return Fail(number, tags, TrialResult.Failed($"the validation {MetricName} is {value} after {result.Epochs.Count} epoch(s)"), callback.EpochsTrained, result.Outcome);
            var trained = model;
            return Complete(claim, tags, value, callback.IntermediateValues, callback.EpochsTrained, result.Outcome, standing!.Epoch,
                () => SaveCheckpoint(number, trained, standing));
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

    private string? SaveCheckpoint(int number, TModel model, EpochReport standing) =>
        Keeper.Save(number, path => Checkpoint.Save<TModel, TModelHp>(
            model, path, standing.Validation.ForEpoch(standing.Epoch) with { Normalization = data.Normalization }));

    private (TModelHp Model, TSweepHp Sweep) Split(IReadOnlyDictionary<string, object> parameters) =>
        (TModelHp.FromValues(BestTrialJson.Only(parameters, modelSpace)), TSweepHp.FromValues(BestTrialJson.Only(parameters, sweepSpace)));

    private Evaluation EvaluateOnTest(string checkpoint)
    {
        using var scope = NewDisposeScope();
        using var model = Checkpoint.Load<TModel, TModelHp>(checkpoint, Options.Device);
        return new Trainer(new TrainingOptions { Device = Options.Device }).Evaluate(ModelAdapter.FromAny(model), data.Test!);
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
