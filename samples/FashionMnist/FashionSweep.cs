using Dsl;
using Dsl.Training;

namespace FashionMnistSample;

/// <summary>Searches FashionCnn's architecture and its training together; the generator emits RunAsync and the CLI.</summary>
[Sweep(typeof(FashionCnn), Metric = Metric.Accuracy, Epochs = 6)]
public partial class FashionSweep
{
    [Hyperparameter(1e-4, 3e-2, Log = true, Default = 1e-3)]
    public partial double LearningRate { get; }

    [Hyperparameter(Choices = new object[] { OptimizerKind.Adam, OptimizerKind.AdamW, OptimizerKind.Sgd }, Default = OptimizerKind.Adam)]
    public partial OptimizerKind Optimizer { get; }

    [Hyperparameter(0.5, 0.99, Default = 0.9), When(nameof(Optimizer), OptimizerKind.Sgd)]
    public partial double Momentum { get; }

    [Hyperparameter(64, 256, Log = true, Default = 128)]
    public partial int BatchSize { get; }

    [Hyperparameter(Choices = new object[] { ScheduleKind.Cosine, ScheduleKind.OneCycle }, Default = ScheduleKind.Cosine)]
    public partial ScheduleKind Schedule { get; }
}
