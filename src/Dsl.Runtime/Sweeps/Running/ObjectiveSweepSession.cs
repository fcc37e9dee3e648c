using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps.Running;

/// <summary>A sweep session whose trials call the user's objective with the typed hyperparameters.</summary>
internal sealed class ObjectiveSweepSession<THp> : SweepSession
    where THp : IHyperparameters<THp>
{
    private readonly Objective<THp> objective;

    public ObjectiveSweepSession(ObjectiveDefinition definition, Objective<THp> objective, SweepOptions options, IStudyStorage storage, CancellationToken cancellationToken)
        : base(definition.Name, definition.Direction, definition.Metric, THp.SearchSpace, options.Epochs ?? definition.Steps, options, storage, cancellationToken)
    {
        this.objective = objective;
    }

    protected override bool KeepsCheckpoints => false;

    public async Task<ObjectiveSweepResult<THp>> RunAsync()
    {
        var end = await RunSessionAsync();
        var best = end.Best is { } record ? new ObjectiveBest<THp>(record.Number, record.Value!.Value, THp.FromValues(record.Parameters)) : null;
        return new ObjectiveSweepResult<THp>(Study, MetricName, Direction, end.Trials, best, end.Reason, end.Elapsed, OutputDirectory);
    }

    protected override IReadOnlyList<(string Name, IReadOnlyDictionary<string, object> Values)> BestGroups(IReadOnlyDictionary<string, object> parameters) =>
        [("hyperparameters", THp.FromValues(BestTrialJson.Only(parameters, Space)).ToValues())];

    protected override Outcome RunClaimed(Claim claim, int seed, IReadOnlyDictionary<string, string> tags, int job)
    {
        var number = claim.Trial.Number;
        var parameters = claim.Trial.Parameters;
        Progress.TrialStarted(new TrialStart(number, claim.Index, Options.Trials, parameters, Epochs, job, claim.RetryOf));
        THp hyperparameters;
        try
        {
            hyperparameters = THp.FromValues(parameters);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail(number, tags, TrialResult.Failed(e), epochsTrained: 0);
        }

        var callback = new TrialCallback(Storage, Study, Direction, metric: null, Pruner, Progress, Standings, number, parameters, Epochs, job);
        var trial = new ObjectiveTrial(number, parameters, seed, Epochs, callback);
        try
        {
            // The job's thread waits for the objective, as it waits for training: the jobs are the sweep's parallelism.
            var value = Wait(objective(hyperparameters, trial, Training.Token));
            if (trial.Lost) return Lost(trial.StepsReported);
            if (!double.IsFinite(value))
                return Fail(number, tags, TrialResult.Failed($"the objective returned {value}"), trial.StepsReported);
            return Complete(claim.Trial, tags, value, trial.IntermediateValues, trial.StepsReported, how: null, epoch: null, saveCheckpoint: null);
        }
        catch (TrialPrunedException)
        {
            return trial.Lost ? Lost(trial.StepsReported) : Prune(number, tags, trial.LastValue, trial.StepsReported, how: null);
        }
        catch (OperationCanceledException e) when (Training.IsCancellationRequested)
        {
            return Interrupt(number, tags, e.Message, trial.StepsReported);
        }
        catch (TrialStateException)
        {
            return Lost(trial.StepsReported);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StudyStorageException)
        {
            return Fail(number, tags, TrialResult.Failed(e), trial.StepsReported);
        }
    }
}
