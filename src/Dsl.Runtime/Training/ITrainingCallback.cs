namespace Dsl.Training;

/// <summary>
/// Observes a training run and may end it after any epoch; a sweep's pruner and the console progress display are callbacks.
/// Every member has a do-nothing default, so an implementation overrides only what it needs.
/// </summary>
/// <remarks>Callbacks run on the training thread, between steps; a slow callback slows training.</remarks>
public interface ITrainingCallback
{
    /// <summary>Called once before the first batch.</summary>
    void OnFitStart(TrainingStart start)
    {
    }

    /// <summary>Called after every optimizer step, outside the step's dispose scope, so tensors it creates are its own.</summary>
    void OnBatchEnd(BatchReport report)
    {
    }

    /// <summary>Called after every epoch, validation included; the answer can end the run.</summary>
    EpochDecision OnEpochEnd(EpochReport report) => EpochDecision.Continue;

    /// <summary>Called once when the run ends: with its result, or with null when an exception ends it.</summary>
    void OnFitEnd(TrainingResult? result)
    {
    }
}

/// <summary>Builds <see cref="ITrainingCallback"/>s from delegates and combines several into one.</summary>
public static class TrainingCallbacks
{
    /// <summary>A callback that asks <paramref name="decide"/> after every epoch, for example a pruner.</summary>
    public static ITrainingCallback OnEpochEnd(Func<EpochReport, EpochDecision> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return new EpochCallback(decide);
    }

    /// <summary>A callback that reports every epoch to <paramref name="progress"/>.</summary>
    public static ITrainingCallback FromProgress(IProgress<EpochReport> progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return new EpochCallback(report =>
        {
            progress.Report(report);
            return EpochDecision.Continue;
        });
    }

    /// <summary>Calls each non-null callback in order; after an epoch the first decision other than Continue wins.</summary>
    public static ITrainingCallback Combine(params IEnumerable<ITrainingCallback?> callbacks)
    {
        ArgumentNullException.ThrowIfNull(callbacks);
        var list = callbacks.OfType<ITrainingCallback>().ToArray();
        return list.Length == 1 ? list[0] : new CompositeCallback(list);
    }

    private sealed class EpochCallback(Func<EpochReport, EpochDecision> decide) : ITrainingCallback
    {
        public EpochDecision OnEpochEnd(EpochReport report) => decide(report);
    }

    private sealed class CompositeCallback(ITrainingCallback[] callbacks) : ITrainingCallback
    {
        public void OnFitStart(TrainingStart start)
        {
            foreach (var callback in callbacks) callback.OnFitStart(start);
        }

        public void OnBatchEnd(BatchReport report)
        {
            foreach (var callback in callbacks) callback.OnBatchEnd(report);
        }

        public EpochDecision OnEpochEnd(EpochReport report)
        {
            // Every callback sees every epoch, even after one has asked to stop, so progress displays stay complete.
            var decision = EpochDecision.Continue;
            foreach (var callback in callbacks)
            {
                var answer = callback.OnEpochEnd(report);
                if (decision == EpochDecision.Continue) decision = answer;
            }
            return decision;
        }

        public void OnFitEnd(TrainingResult? result)
        {
            foreach (var callback in callbacks) callback.OnFitEnd(result);
        }
    }
}
