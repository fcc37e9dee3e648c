using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>Fits and evaluates classification modules with Adam and cross-entropy, one dispose scope per batch.</summary>
public sealed class Trainer
{
    private readonly TrainingOptions options;

    /// <summary>Creates a trainer; invalid options throw here rather than mid-training.</summary>
    public Trainer(TrainingOptions? options = null)
    {
        this.options = options ?? new TrainingOptions();
        this.options.Validate();
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/>, evaluating on <paramref name="validation"/> after each epoch.</summary>
    public TrainingResult Fit(
        nn.Module<Tensor, Tensor> model,
        TensorDataset train,
        TensorDataset? validation = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));

        var generator = new Generator((ulong)options.Seed);
        using var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        using var lossFunction = nn.CrossEntropyLoss();
        var history = new List<EpochReport>();

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            model.train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            using (var order = randperm(train.Count, generator: generator))
            {
                for (long start = 0; start < train.Count; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // TorchSharp frees nothing by itself: every tensor a step creates dies with this scope.
                    using var scope = NewDisposeScope();
                    var length = Math.Min(options.BatchSize, train.Count - start);
                    var indices = order.narrow(0, start, length);
                    var inputs = train.Inputs.index_select(0, indices);
                    var labels = train.Labels.index_select(0, indices);

                    optimizer.zero_grad();
                    var loss = lossFunction.call(model.call(inputs), labels);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * length;
                }
            }
            clock.Stop();
            var report = new EpochReport(epoch, lossSum / train.Count,
                validation is null ? null : Evaluate(model, validation), train.Count / clock.Elapsed.TotalSeconds);
            history.Add(report);
            progress?.Report(report);
        }
        return new TrainingResult(history);
    }

    /// <summary>Loss and accuracy of <paramref name="model"/> over the whole of <paramref name="data"/>, in eval mode without gradients.</summary>
    public Evaluation Evaluate(nn.Module<Tensor, Tensor> model, TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new ArgumentException("The evaluation set is empty.", nameof(data));
        model.eval();
        using var noGrad = no_grad();
        using var lossFunction = nn.CrossEntropyLoss(reduction: nn.Reduction.Sum);
        double lossSum = 0;
        long correct = 0;
        var batch = Math.Max(options.BatchSize, 512);
        for (long start = 0; start < data.Count; start += batch)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(batch, data.Count - start);
            var inputs = data.Inputs.narrow(0, start, length);
            var labels = data.Labels.narrow(0, start, length);
            var logits = model.call(inputs);
            lossSum += lossFunction.call(logits, labels).item<float>();
            correct += logits.argmax(1).eq(labels).sum().item<long>();
        }
        return new Evaluation(lossSum / data.Count, (double)correct / data.Count, data.Count);
    }
}
