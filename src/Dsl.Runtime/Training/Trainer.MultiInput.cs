using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

// Models of two to six inputs (TorchSharp's Module generics end at six) train on datasets with as many input tensors,
// in the order of the model's forward parameters. Every overload is one line into the same arity-free path.
public sealed partial class Trainer
{
    /// <summary>Trains a two-input model on a dataset with two inputs per sample; see the single-input overload.</summary>
    public TrainingResult Fit(nn.Module<Tensor, Tensor, Tensor> model, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Fit(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), train, validation, callback, cancellationToken);

    /// <summary>Trains a three-input model on a dataset with three inputs per sample; see the single-input overload.</summary>
    public TrainingResult Fit(nn.Module<Tensor, Tensor, Tensor, Tensor> model, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Fit(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), train, validation, callback, cancellationToken);

    /// <summary>Trains a four-input model on a dataset with four inputs per sample; see the single-input overload.</summary>
    public TrainingResult Fit(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor> model, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Fit(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), train, validation, callback, cancellationToken);

    /// <summary>Trains a five-input model on a dataset with five inputs per sample; see the single-input overload.</summary>
    public TrainingResult Fit(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> model, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Fit(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), train, validation, callback, cancellationToken);

    /// <summary>Trains a six-input model on a dataset with six inputs per sample; see the single-input overload.</summary>
    public TrainingResult Fit(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> model, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Fit(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), train, validation, callback, cancellationToken);

    /// <summary>Continues a two-input model's run from its resumable checkpoint; see the single-input overload.</summary>
    public TrainingResult Resume(nn.Module<Tensor, Tensor, Tensor> model, string checkpointPath, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Resume(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), checkpointPath, train, validation, callback, cancellationToken);

    /// <summary>Continues a three-input model's run from its resumable checkpoint; see the single-input overload.</summary>
    public TrainingResult Resume(nn.Module<Tensor, Tensor, Tensor, Tensor> model, string checkpointPath, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Resume(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), checkpointPath, train, validation, callback, cancellationToken);

    /// <summary>Continues a four-input model's run from its resumable checkpoint; see the single-input overload.</summary>
    public TrainingResult Resume(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor> model, string checkpointPath, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Resume(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), checkpointPath, train, validation, callback, cancellationToken);

    /// <summary>Continues a five-input model's run from its resumable checkpoint; see the single-input overload.</summary>
    public TrainingResult Resume(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> model, string checkpointPath, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Resume(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), checkpointPath, train, validation, callback, cancellationToken);

    /// <summary>Continues a six-input model's run from its resumable checkpoint; see the single-input overload.</summary>
    public TrainingResult Resume(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> model, string checkpointPath, TensorDataset train, TensorDataset? validation = null, ITrainingCallback? callback = null, CancellationToken cancellationToken = default) =>
        Resume(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), checkpointPath, train, validation, callback, cancellationToken);

    /// <summary>Evaluates a two-input model on a dataset with two inputs per sample; see the single-input overload.</summary>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor, Tensor> model, TensorDataset data, CancellationToken cancellationToken = default) =>
        Evaluate(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), data, cancellationToken);

    /// <summary>Evaluates a three-input model on a dataset with three inputs per sample; see the single-input overload.</summary>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor, Tensor, Tensor> model, TensorDataset data, CancellationToken cancellationToken = default) =>
        Evaluate(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), data, cancellationToken);

    /// <summary>Evaluates a four-input model on a dataset with four inputs per sample; see the single-input overload.</summary>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor> model, TensorDataset data, CancellationToken cancellationToken = default) =>
        Evaluate(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), data, cancellationToken);

    /// <summary>Evaluates a five-input model on a dataset with five inputs per sample; see the single-input overload.</summary>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> model, TensorDataset data, CancellationToken cancellationToken = default) =>
        Evaluate(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), data, cancellationToken);

    /// <summary>Evaluates a six-input model on a dataset with six inputs per sample; see the single-input overload.</summary>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> model, TensorDataset data, CancellationToken cancellationToken = default) =>
        Evaluate(ModelAdapter.From(model ?? throw new ArgumentNullException(nameof(model))), data, cancellationToken);
}
