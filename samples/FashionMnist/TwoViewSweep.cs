using Dsl;
using Dsl.Training;

namespace FashionMnistSample;

/// <summary>
/// Searches TwoViewNet's fusion op (Merge) with its widths and the learning rate: which way of merging the image and its
/// profiles works best is itself a hyperparameter. Run it with `fusion sweep`.
/// </summary>
[Sweep(typeof(TwoViewNet), Metric = Metric.Accuracy, Epochs = 3)]
public partial class TwoViewSweep
{
    [Hyperparameter(3e-4, 1e-2, Log = true, Default = 1e-3)]
    public partial double LearningRate { get; }

    [Hyperparameter(Choices = new object[] { ScheduleKind.Cosine }, Default = ScheduleKind.Cosine)]
    public partial ScheduleKind Schedule { get; }
}
