using Dsl.Search;
using Dsl.Studies;
using Dsl.Sweeps.Running;

namespace Dsl.Sweeps;

/// <summary>Runs sweeps of user code: an objective computed from typed hyperparameters, with the samplers, pruners, stores and workers of model sweeps.</summary>
public static class ObjectiveSweep
{
    /// <summary>Runs (or resumes, or joins) a sweep of <paramref name="objective"/> until its study holds <see cref="SweepOptions.Trials"/> trials.</summary>
    /// <remarks>
    /// <para>
    /// The study rules are those of <see cref="SweepRunner.RunAsync{TModel, TModelHyperparameters, TSweepHyperparameters}"/>:
    /// <see cref="SweepOptions.Trials"/> is the study's total, shared by every process that runs the same study; a trial
    /// that throws is recorded as failed with its error and the sweep goes on; cancellation stops the running objectives
    /// through their token, records them as interrupted and enqueues their retries, and does not throw.
    /// </para>
    /// <para>
    /// <see cref="SweepOptions.Epochs"/> overrides <see cref="ObjectiveDefinition.Steps"/>. Each of <see cref="SweepOptions.Jobs"/>
    /// jobs waits for its objective on a thread of its own. There are no checkpoints; <c>best.json</c> is written to
    /// <see cref="SweepOptions.OutputDirectory"/> with the best trial's hyperparameters.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">The options are invalid, or a warm-start assignment does not fit the search space.</exception>
    /// <exception cref="StudyMismatchException">The study exists with another direction or search space.</exception>
    /// <exception cref="StudyStorageException">The study store failed.</exception>
    public static async Task<ObjectiveSweepResult<THyperparameters>> RunAsync<THyperparameters>(
        ObjectiveDefinition definition,
        Objective<THyperparameters> objective,
        SweepOptions? options = null,
        CancellationToken cancellationToken = default)
        where THyperparameters : IHyperparameters<THyperparameters>
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(objective);
        options ??= new SweepOptions();
        options.Validate();
        if (definition.Steps < 1 && options.Epochs is null)
            throw new ArgumentException($"Sweep '{definition.Name}' declares {definition.Steps} steps; it needs at least 1.", nameof(definition));
        if (string.IsNullOrWhiteSpace(definition.Metric))
            throw new ArgumentException($"Sweep '{definition.Name}' names no metric; use a word such as \"loss\" or \"objective\".", nameof(definition));

        var storage = options.Storage ?? Dsl.Studies.StudyStorage.InMemory();
        try
        {
            var session = new ObjectiveSweepSession<THyperparameters>(definition, objective, options, storage, cancellationToken);
            return await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            if (options.Storage is null) await storage.DisposeAsync().ConfigureAwait(false);
        }
    }
}
