using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>Every member's log-probabilities on a labelled dataset, computed once so that fitting touches only these.</summary>
internal sealed class ValidationPredictions : IDisposable
{
    private const long BatchSize = 1024;

    private ValidationPredictions(Tensor logProbabilities, Tensor labels)
    {
        LogProbabilities = logProbabilities;
        Labels = labels;
    }

    /// <summary>[members, samples, classes], float64 on the CPU.</summary>
    public Tensor LogProbabilities { get; }

    /// <summary>[samples] class indices, int64 on the CPU.</summary>
    public Tensor Labels { get; }

    public int ClassCount => checked((int)LogProbabilities.shape[2]);

    public static ValidationPredictions Compute(IReadOnlyList<ModelAdapter> adapters, TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputTensors.Count != adapters[0].InputCount)
            throw new FusionException(
                $"The validation data has {data.InputTensors.Count} input(s) per sample, but the ensemble's members take {adapters[0].InputCount}.");
        if (data.Count < 2)
            throw new FusionException($"The validation data has {data.Count} sample(s); fitting an ensemble needs at least 2.");
        if (data.Labels.shape.Length != 1 || data.Labels.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new FusionException(
                $"The validation labels are {data.Labels.dtype} shaped [{string.Join(", ", data.Labels.shape)}]; ensembles are fitted on class indices shaped [samples].");

        var wasTraining = adapters.Select(a => a.Module.training).ToArray();
        foreach (var adapter in adapters) adapter.Module.eval();
        var parts = new List<Tensor>();
        // The data may live elsewhere than the members (a CPU dataset, members on a GPU), as in the trainer.
        var device = adapters.SelectMany(a => a.Module.parameters()).FirstOrDefault()?.device ?? CPU;
        try
        {
            using var noGrad = no_grad();
            for (long offset = 0; offset < data.Count; offset += BatchSize)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(BatchSize, data.Count - offset);
                var inputs = data.InputTensors.Select(t => t.narrow(0, offset, length).to(device)).ToArray();
                var batch = stack(EnsembleCore.MemberLogProbabilities(adapters, inputs), 0);
                parts.Add(batch.to(ScalarType.Float64).cpu().MoveToOuterDisposeScope());
            }
            var all = cat(parts, 1);
            var labels = data.Labels.to(ScalarType.Int64).cpu();
            var classes = all.shape[2];
            var (min, max) = (labels.min().item<long>(), labels.max().item<long>());
            if (min < 0 || max >= classes)
            {
                all.Dispose();
                labels.Dispose();
                throw new FusionException($"The validation labels range over {min}..{max}, but the members predict {classes} classes (0..{classes - 1}).");
            }
            return new ValidationPredictions(all, labels);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
            for (var i = 0; i < adapters.Count; i++) adapters[i].Module.train(wasTraining[i]);
        }
    }

    public void Dispose()
    {
        LogProbabilities.Dispose();
        Labels.Dispose();
    }
}
