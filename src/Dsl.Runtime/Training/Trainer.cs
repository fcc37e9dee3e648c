using Dsl.Checkpoints;
using Dsl.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>
/// Fits, evaluates and predicts with any TorchSharp module, generated or hand-written, on in-memory datasets: one
/// dispose scope per batch, seeded shuffles, schedules, early stopping, callbacks, checkpoints and resume.
/// </summary>
/// <remarks>
/// A trainer holds only its options; every call builds and disposes its own optimizer, so one trainer can fit many
/// models in turn (a sweep runs hundreds in one process). Calls on one trainer must not overlap: TorchSharp's random
/// generator and dispose scopes are process- and thread-wide.
/// </remarks>
public sealed partial class Trainer
{
    private readonly TrainingOptions options;

    /// <summary>Creates a trainer; invalid options throw here rather than mid-training.</summary>
    public Trainer(TrainingOptions? options = null)
    {
        this.options = options ?? new TrainingOptions();
        this.options.Validate();
    }

    /// <summary>The options this trainer runs with.</summary>
    public TrainingOptions Options => options;

    /// <summary>The device training runs on: <see cref="TrainingOptions.Device"/>, or the CPU.</summary>
    public Device Device => options.Device ?? CPU;

    /// <summary>
    /// Builds a generated model with its weights initialised from <paramref name="seed"/>, on <paramref name="device"/>
    /// (the CPU by default): with the same seed for this and <see cref="TrainingOptions.Seed"/>, a whole run repeats exactly.
    /// </summary>
    public static TModel CreateModel<TModel, THyperparameters>(THyperparameters hyperparameters, int seed, Device? device = null)
        where TModel : nn.Module, IGeneratedModel<TModel, THyperparameters>
        where THyperparameters : IHyperparameters<THyperparameters>
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        Seeds.SeedGlobal(seed, device);
        var model = TModel.Create(hyperparameters);
        if (device is not null && device.type != DeviceType.CPU) model.to(device);
        return model;
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>, evaluating on <paramref name="validation"/> after each epoch.</summary>
    /// <remarks>Cancellation ends the run within one batch with outcome <see cref="TrainingOutcome.Cancelled"/> rather than an exception.</remarks>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> model,
        TensorDataset train,
        TensorDataset? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Run(ModelAdapter.From(model), train, validation, progress is null ? null : TrainingCallbacks.FromProgress(progress), null, cancellationToken);
    }

    /// <summary>
    /// Trains <paramref name="model"/> with <paramref name="callback"/> observing every batch and epoch; after any epoch
    /// the callback can prune or stop the run (combine several with <see cref="TrainingCallbacks.Combine"/>).
    /// </summary>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> model,
        TensorDataset train,
        TensorDataset? validation,
        ITrainingCallback? callback,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Run(ModelAdapter.From(model), train, validation, callback, null, cancellationToken);
    }

    /// <summary>Trains a model of any arity; the multi-input overloads' and the sweep runner's entry.</summary>
    internal TrainingResult Fit(ModelAdapter model, TensorDataset train, TensorDataset? validation, ITrainingCallback? callback, CancellationToken cancellationToken) =>
        Run(model, train, validation, callback, null, cancellationToken);

    /// <summary>
    /// Continues the run whose resumable checkpoint (see <see cref="TrainingOptions.CheckpointPath"/>) is at
    /// <paramref name="checkpointPath"/>: loads the weights into <paramref name="model"/>, restores the optimizer state,
    /// the schedule position, early-stopping state and history, and trains from the next epoch up to
    /// <see cref="TrainingOptions.Epochs"/>. With the same options and data the result equals an uninterrupted run.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint is missing, not resumable, or does not fit the model or options.</exception>
    public TrainingResult Resume(
        nn.Module<Tensor, Tensor> model,
        string checkpointPath,
        TensorDataset train,
        TensorDataset? validation = null,
        ITrainingCallback? callback = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Resume(ModelAdapter.From(model), checkpointPath, train, validation, callback, cancellationToken);
    }

    /// <summary>Continues a run of a model of any arity; the multi-input overloads' entry.</summary>
    internal TrainingResult Resume(
        ModelAdapter model, string checkpointPath, TensorDataset train, TensorDataset? validation, ITrainingCallback? callback, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        return Run(model, train, validation, callback, checkpointPath, cancellationToken);
    }
}
