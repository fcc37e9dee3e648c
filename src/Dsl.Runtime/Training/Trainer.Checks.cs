using Dsl.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

public sealed partial class Trainer
{
    /// <summary>Checks that need no forward pass: empty data, input counts, and options that need a validation set.</summary>
    private void CheckRunSetup(ModelAdapter model, TensorDataset train, TensorDataset? validation, Losses losses)
    {
        CheckDatasetBasics(model, train, "training set");
        if (validation is not null) CheckDatasetBasics(model, validation, "validation set");
        if (options.EarlyStopping is { } earlyStopping)
        {
            if (earlyStopping.Monitor.NeedsValidation() && validation is null)
                throw new ArgumentException($"Early stopping monitors {earlyStopping.Monitor}, which needs a validation set, but none was given.", nameof(validation));
            if (earlyStopping.Monitor is not (MonitoredMetric.TrainLoss or MonitoredMetric.ValidationLoss) && !losses.IsClassification)
                throw new ArgumentException($"Early stopping monitors {earlyStopping.Monitor}, but the {options.Loss} loss has no class metrics.", nameof(validation));
        }
    }

    private static void CheckDatasetBasics(ModelAdapter model, TensorDataset data, string role)
    {
        if (data.Count == 0) throw new ArgumentException($"The {role} is empty.", nameof(data));
        if (data.InputTensors.Count != model.InputCount)
            throw new ArgumentException(
                $"{model.Name} takes {model.InputCount} input(s), but the {role} has {data.InputTensors.Count}.", nameof(data));
    }

    /// <summary>
    /// Runs the model once on the first samples (eval mode, no gradients, so no dropout draw or batch-norm update) and
    /// checks inputs and labels against it; returns the shape of one output sample.
    /// </summary>
    private long[] CheckDataAgainstModel(ModelAdapter model, Losses losses, TensorDataset data, string role, long[]? knownOutput = null)
    {
        var wasTraining = model.Module.training;
        model.Module.eval();
        long[] outputShape;
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var inputs = new Tensor[model.InputCount];
            SelectBatch(data, null, 0, Math.Min(2, data.Count), inputs);
            Tensor output;
            try
            {
                output = model.Forward(inputs);
            }
            catch (InputShapeException e)
            {
                // The generated model's own message, as a direct call on the whole dataset would give it, and which dataset it was.
                throw new InputShapeException(e.Method, e.Input, e.Expected, [data.Count, .. e.Actual.Skip(1)], $"the {role}", e);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new ArgumentException(
                    $"{model.Name} failed on the first batch of the {role}, whose inputs are shaped {string.Join(" and ", data.SampleShapes.Select(Shapes.FormatBatch))}: {e.Message}",
                    nameof(data), e);
            }
            outputShape = output.shape.Length == 0 ? [] : output.shape[1..];
        }
        finally
        {
            model.Module.train(wasTraining);
        }
        if (knownOutput is not null && !knownOutput.SequenceEqual(outputShape))
            throw new ArgumentException($"{model.Name} gives outputs shaped {Shapes.FormatBatch(knownOutput)} on the training set but {Shapes.FormatBatch(outputShape)} on the {role}.", nameof(data));
        CheckLabels(model, losses, data, outputShape, role);
        return outputShape;
    }

    private static void CheckLabels(ModelAdapter model, Losses losses, TensorDataset data, long[] outputShape, string role)
    {
        var labels = data.Labels;
        var labelShape = labels.shape[1..];
        if (losses.Kind == LossKind.CrossEntropy)
        {
            if (outputShape.Length != 1)
                throw new ArgumentException(
                    $"Cross-entropy needs outputs shaped [N, classes], but {model.Name} outputs {Shapes.FormatBatch(outputShape)}.", nameof(data));
            if (labelShape.Length != 0 || !TensorDataset.IsIntegral(labels.dtype))
                throw new ArgumentException(
                    $"Cross-entropy needs class-index labels of an integer type shaped [N], but the {role}'s labels are {labels.dtype} {Shapes.FormatBatch(labelShape)}.", nameof(data));
            var classes = outputShape[0];
            var (min, max) = Range(labels);
            if (min < 0 || max >= classes)
                throw new ArgumentException(
                    $"The {role} has label {(min < 0 ? min : max)}, but {model.Name} outputs {classes} classes, so labels must lie in [0, {classes - 1}].", nameof(data));
            return;
        }

        // Regression and binary targets: shaped like the output, or [N] against a single output column.
        var fits = labelShape.SequenceEqual(outputShape) || (labelShape.Length == 0 && outputShape is [1]);
        if (!fits)
            throw new ArgumentException(
                $"{LossName(losses)} needs targets shaped like the output, {Shapes.FormatBatch(outputShape)}, but the {role}'s labels are {Shapes.FormatBatch(labelShape)}.", nameof(data));
        if (losses.Kind == LossKind.BinaryCrossEntropy)
        {
            using var scope = NewDisposeScope();
            var values = labels.to(ScalarType.Float64);
            var (low, high) = (values.min().item<double>(), values.max().item<double>());
            if (!(low >= 0 && high <= 1))
                throw new ArgumentException(
                    $"Binary cross-entropy needs targets in [0, 1], but the {role}'s labels range over [{low}, {high}].", nameof(data));
        }

        static string LossName(Losses losses) => losses.Kind == LossKind.MeanSquaredError ? "Mean squared error" : "Binary cross-entropy";
    }

    private static (long Min, long Max) Range(Tensor labels)
    {
        using var scope = NewDisposeScope();
        var values = labels.to(ScalarType.Int64);
        return (values.min().item<long>(), values.max().item<long>());
    }
}
