// A fresh consumer of the Dsl packages: a model and a sweep written for this check, not copied from the sample.
// It proves that the packed generator runs, the generated module trains, and a sweep completes; it exits 1 otherwise.
using Dsl;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Training;
using TorchSharp;

torch.manual_seed(0);
var features = torch.randn(256, 12);
var labels = (features[.., 0] + features[.., 1] > 0).to(torch.ScalarType.Int64);
using var data = SweepData.Split(new TensorDataset(features, labels), validationFraction: 0.25, seed: 0);

using (var model = new SignalNet(SignalNet.Hyperparameters.Default))
{
    using var logits = model.forward(torch.randn(4, 12));
    Console.WriteLine($"forward: [{string.Join(", ", logits.shape)}]");
    if (!logits.shape.SequenceEqual(new long[] { 4, 2 })) return 1;
}

await using var storage = StudyStorage.InMemory();
var result = await SignalSweep.RunAsync(data, new SweepOptions
{
    Trials = 2, Epochs = 1, Storage = storage, Study = "consumer", Progress = SweepProgress.Plain(Console.Out),
    OutputDirectory = Path.Combine(Path.GetTempPath(), "dsl-consumer-" + Environment.ProcessId),
});
Console.WriteLine($"sweep: {result.Trials.Count} trials, best {(result.HasBest ? result.Best.Value.ToString("F3") : "none")}");
return result.HasBest && result.Trials.Count == 2 ? 0 : 1;

[Model(Input = new[] { 12 }, Outputs = 2)]
public partial class SignalNet
{
    [Hyperparameter(8, 64, Log = true, Default = 16)] public partial int Width { get; }
    [Hyperparameter(0.0, 0.3, Default = 0.1)] public partial double Drop { get; }

    [Linear(nameof(Width)), Activate(Activation.GELU), Dropout(nameof(Drop))]
    [Linear(2)]
    public partial torch.Tensor Forward(torch.Tensor signal);
}

[Sweep(typeof(SignalNet), Metric = Metric.Accuracy, Epochs = 1)]
public partial class SignalSweep
{
    [Hyperparameter(1e-3, 3e-2, Log = true, Default = 1e-2)] public partial double LearningRate { get; }
}
