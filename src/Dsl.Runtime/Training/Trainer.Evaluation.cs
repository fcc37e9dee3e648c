using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Loss and, for classification losses, accuracy, macro precision/recall/F1 and the confusion matrix of
    /// <paramref name="model"/> over the whole of <paramref name="data"/>, in eval mode without gradients.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor> model, TensorDataset data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return EvaluatePublic(ModelAdapter.From(model), data, cancellationToken);
    }

    /// <summary>Evaluates a model of any arity; the multi-input overloads' and the sweep runner's entry.</summary>
    internal Evaluation Evaluate(ModelAdapter model, TensorDataset data, CancellationToken cancellationToken = default) =>
        EvaluatePublic(model, data, cancellationToken);

    /// <summary>The model's outputs for every row of <paramref name="inputs"/> (batch-first), in eval mode, on the CPU; the caller owns the result.</summary>
    public Tensor Predict(nn.Module<Tensor, Tensor> model, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var adapter = ModelAdapter.From(model);
        if (inputs.shape.Length == 0) throw new ArgumentException("Inputs must be batch-first, but are a scalar.", nameof(inputs));
        model.to(Device);
        model.eval();
        using var noGrad = no_grad();
        var batchSize = options.EffectiveEvaluationBatchSize;
        var parts = new List<Tensor>();
        try
        {
            for (long offset = 0; offset < inputs.shape[0]; offset += batchSize)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(batchSize, inputs.shape[0] - offset);
                var output = adapter.Forward([ToDevice(inputs.narrow(0, offset, length))]);
                parts.Add(output.cpu().MoveToOuterDisposeScope());
            }
            return parts.Count == 1 ? parts[0].alias() : cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    private Evaluation EvaluatePublic(ModelAdapter model, TensorDataset data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var losses = new Losses(options.Loss, options.LabelSmoothing);
        CheckDatasetBasics(model, data, "evaluation set");
        model.Module.to(Device);
        CheckDataAgainstModel(model, losses, data, "evaluation set");
        var evaluation = EvaluateCore(model, data, losses, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return evaluation!;
    }

    /// <summary>Evaluates over the whole dataset from summed losses and confusion counts; null when cancelled.</summary>
    private Evaluation? EvaluateCore(ModelAdapter model, TensorDataset data, Losses losses, CancellationToken cancellationToken)
    {
        model.Module.eval();
        using var noGrad = no_grad();
        var batchSize = options.EffectiveEvaluationBatchSize;
        var inputs = new Tensor[model.InputCount];
        double lossSum = 0;
        long[]? counts = null;
        var classes = 0;
        for (long offset = 0; offset < data.Count; offset += batchSize)
        {
            if (cancellationToken.IsCancellationRequested) return null;
            using var scope = NewDisposeScope();
            var length = Math.Min(batchSize, data.Count - offset);
            var labels = SelectBatch(data, null, offset, length, inputs);
            var output = model.Forward(inputs);
            lossSum += Losses.Value(losses.Compute(output, labels, sum: true));
            if (!losses.IsClassification) continue;

            var (batchClasses, index) = ConfusionIndex(losses.Kind, output, labels);
            classes = batchClasses;
            counts ??= new long[classes * classes];
            using var binned = index.bincount(null, classes * classes).cpu();
            var span = binned.data<long>();
            for (var i = 0; i < counts.Length; i++) counts[i] += span[i];
        }

        var loss = lossSum / data.Count;
        if (counts is null) return new Evaluation(loss, double.NaN, data.Count);
        var matrix = new ConfusionMatrix(classes, counts);
        return new Evaluation(loss, matrix.Accuracy, data.Count)
        {
            MacroPrecision = matrix.MacroPrecision,
            MacroRecall = matrix.MacroRecall,
            MacroF1 = matrix.MacroF1,
            Confusion = matrix,
        };
    }

    /// <summary>actual × classes + predicted for every decision in the batch: one per sample, or one per output for binary losses.</summary>
    private static (int Classes, Tensor Index) ConfusionIndex(LossKind kind, Tensor output, Tensor labels)
    {
        if (kind == LossKind.CrossEntropy)
        {
            var classes = checked((int)output.shape[1]);
            return (classes, labels.to(ScalarType.Int64).mul(classes).add(output.argmax(1)));
        }
        var predicted = output.gt(0).to(ScalarType.Int64).flatten();
        var actual = Losses.Match(output, labels).gt(0.5).to(ScalarType.Int64).flatten();
        return (2, actual.mul(2).add(predicted));
    }
}
