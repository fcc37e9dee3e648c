using Dsl.Search;
using Dsl.Studies;
using Dsl.Sweeps.Running;
using static TorchSharp.torch;

namespace Dsl.Sweeps;

/// <summary>Runs hyperparameter sweeps over generated models; the generated <c>RunAsync</c> of a [Sweep] class calls it.</summary>
public static class SweepRunner
{
    /// <summary>Runs (or resumes) a sweep until its study holds <see cref="SweepOptions.Trials"/> trials, and returns the typed best.</summary>
    /// <remarks>
    /// <para>
    /// The sweep also stops when the time budget is spent, the sampler is used up, or <paramref name="cancellationToken"/> fires.
    /// </para>
    /// <para>
    /// The study is created or reopened in <see cref="SweepOptions.Storage"/>: rerunning after a crash or Ctrl-C keeps
    /// every finished trial, fails the trials the dead run left running and retries them (see <see cref="SweepOptions.MaxRetries"/>),
    /// and continues up to the same total.
    /// </para>
    /// <para>
    /// A trial that throws or diverges is recorded as failed with its error and the sweep goes on. Cancellation does not
    /// throw: running trials stop within one batch and are recorded as failed ("interrupted by user") and enqueued for a
    /// retry, and the result reports <see cref="SweepStopReason.Cancelled"/>. An error of the study store itself ends
    /// the sweep and is rethrown.
    /// </para>
    /// <para>
    /// Each complete trial among the best <see cref="SweepOptions.KeepCheckpoints"/> keeps its own checkpoint in
    /// <see cref="SweepOptions.Artifacts"/> (<c>trials/&lt;number&gt;/model.pt</c> in <see cref="SweepOptions.OutputDirectory"/>),
    /// recorded as its <c>checkpoint</c> attribute. Whenever a trial becomes the study's best, its checkpoint is copied to
    /// <c>best.pt</c> and its hyperparameters are written to <c>best.json</c>.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">The options are invalid, or a warm-start assignment does not fit the search space.</exception>
    /// <exception cref="StudyMismatchException">The study exists with another direction or search space.</exception>
    /// <exception cref="StudyStorageException">The study store failed.</exception>
    public static async Task<SweepResult<TModel, TModelHyperparameters, TSweepHyperparameters>> RunAsync<TModel, TModelHyperparameters, TSweepHyperparameters>(
        SweepDefinition<TSweepHyperparameters> definition,
        SweepData data,
        SweepOptions? options = null,
        CancellationToken cancellationToken = default)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHyperparameters>
        where TModelHyperparameters : IHyperparameters<TModelHyperparameters>
        where TSweepHyperparameters : IHyperparameters<TSweepHyperparameters>
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new SweepOptions();
        options.Validate();
        if (definition.Epochs < 1 && options.Epochs is null)
            throw new ArgumentException($"Sweep '{definition.Name}' declares {definition.Epochs} epochs; it needs at least 1.", nameof(definition));

        var storage = options.Storage ?? Dsl.Studies.StudyStorage.InMemory();
        try
        {
            var session = new ModelSweepSession<TModel, TModelHyperparameters, TSweepHyperparameters>(definition, data, options, storage, cancellationToken);
            return await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            if (options.Storage is null) await storage.DisposeAsync().ConfigureAwait(false);
        }
    }
}
