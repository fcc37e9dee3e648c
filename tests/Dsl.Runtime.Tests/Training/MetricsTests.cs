using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

[Collection(TorchTrainingCollection.Name)]
public sealed class MetricsTests
{
    // An identity "model" predicts the arg-max of its inputs, so every prediction is chosen by the test.
    private static readonly long[] Actual = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    private static readonly long[] Predicted = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];

    private static TensorDataset Data()
    {
        var logits = zeros(Actual.Length, 3);
        for (var i = 0; i < Actual.Length; i++) logits[i, Predicted[i]] = tensor(5f);
        return new TensorDataset(logits, tensor(Actual));
    }

    [Fact]
    public void Metrics_match_scikit_learn_on_a_known_confusion()
    {
        using var data = Data();
        using var model = nn.Identity();

        var evaluation = new Trainer(new TrainingOptions()).Evaluate(model, data);

        // sklearn.metrics on the same labels: accuracy 0.6, macro precision 0.6111, recall 0.6111, F1 0.6
        Assert.Equal(0.6, evaluation.Accuracy, 12);
        Assert.Equal((2 / 3.0 + 0.5 + 2 / 3.0) / 3, evaluation.MacroPrecision, 12);
        Assert.Equal((0.5 + 2 / 3.0 + 2 / 3.0) / 3, evaluation.MacroRecall, 12);
        Assert.Equal((4 / 7.0 + 4 / 7.0 + 2 / 3.0) / 3, evaluation.MacroF1, 12);
        Assert.Equal(new long[,] { { 2, 1, 1 }, { 1, 2, 0 }, { 0, 1, 2 } }, evaluation.Confusion!.ToArray());
        Assert.Equal(10, evaluation.Count);
    }

    [Fact]
    public void Metrics_cover_the_whole_set_whatever_the_batch_size()
    {
        using var data = Data();
        using var model = nn.Identity();

        var whole = new Trainer(new TrainingOptions { EvaluationBatchSize = 512 }).Evaluate(model, data);
        var batched = new Trainer(new TrainingOptions { EvaluationBatchSize = 3 }).Evaluate(model, data);

        Assert.Equal(whole.Confusion, batched.Confusion);
        Assert.Equal(whole.MacroF1, batched.MacroF1);
        Assert.Equal(whole.Loss, batched.Loss, 6);
    }

    [Fact]
    public void Macro_averages_skip_classes_that_never_occur()
    {
        var matrix = new ConfusionMatrix(3, [3, 1, 0, 0, 2, 0, 0, 0, 0]);

        Assert.Equal((1.0 + 2 / 3.0) / 2, matrix.MacroPrecision, 12);
        Assert.Equal((0.75 + 1.0) / 2, matrix.MacroRecall, 12);
        Assert.Equal(5 / 6.0, matrix.Accuracy, 12);
        Assert.Contains("actual\\pred", matrix.ToString());
    }

    [Fact]
    public void Monitored_metrics_know_their_direction()
    {
        var report = new EpochReport(1, 0.5, new Evaluation(0.4, 0.9, 10) { MacroF1 = 0.8 }, 100);

        Assert.Equal(0.8, MonitoredMetric.ValidationMacroF1.Read(report));
        Assert.True(MonitoredMetric.ValidationAccuracy.Improves(0.91, 0.9));
        Assert.True(MonitoredMetric.ValidationLoss.Improves(0.3, 0.4));
        Assert.False(MonitoredMetric.ValidationLoss.Improves(0.39, 0.4, minDelta: 0.05));
        Assert.True(double.IsNaN(MonitoredMetric.ValidationLoss.Read(new EpochReport(1, 0.5, null, 1))));
    }
}
