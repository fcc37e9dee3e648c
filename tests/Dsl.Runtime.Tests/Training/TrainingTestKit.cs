using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

/// <summary>
/// Training tests share TorchSharp's process-wide random generator and thread pool, so they run alone: a parallel
/// test drawing random numbers would break bit-for-bit comparisons, and RSS measurements need a quiet process.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTrainingCollection
{
    public const string Name = "Torch training";
}

/// <summary>A tiny generated classifier: 4 features, 3 classes.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class TinyNet
{
    [Dsl.Hyperparameter(4, 16, Default = 8)]
    public partial int Hidden { get; }

    [Dsl.Linear(nameof(Hidden)), Dsl.Activate(Dsl.Activation.ReLU), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>A generated classifier with dropout and a searchable activation, so seeds and enums matter.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class TinyDropoutNet
{
    [Dsl.Hyperparameter(4, 32, Default = 16)]
    public partial int Hidden { get; }

    [Dsl.Hyperparameter(0.0, 0.5, Default = 0.3)]
    public partial double DropoutRate { get; }

    [Dsl.Hyperparameter(Default = Dsl.Activation.ReLU)]
    public partial Dsl.Activation Act { get; }

    [Dsl.Linear(nameof(Hidden)), Dsl.Activate(nameof(Act)), Dsl.Dropout(nameof(DropoutRate)), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>A generated single-output network for regression and binary classification.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 1)]
public partial class TinyRegressor
{
    [Dsl.Hyperparameter(4, 16, Default = 8)]
    public partial int Hidden { get; }

    [Dsl.Linear(nameof(Hidden)), Dsl.Activate(Dsl.Activation.Tanh), Dsl.Linear(1)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>A tiny generated CNN on 1×6×6 images.</summary>
[Dsl.Model(Input = new[] { 1, 6, 6 }, Outputs = 3)]
public partial class TinyCnn
{
    [Dsl.Conv2d(4, 3, Padding = 1), Dsl.Activate(Dsl.Activation.ReLU), Dsl.MaxPool2d(2), Dsl.Flatten, Dsl.Linear(3)]
    public partial Tensor Forward(Tensor image);
}

/// <summary>A hand-written two-input model: two views of a sample, concatenated.</summary>
public sealed class TwoInputNet : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear left;
    private readonly TorchSharp.Modules.Linear right;
    private readonly TorchSharp.Modules.Linear head;

    public TwoInputNet() : base(nameof(TwoInputNet))
    {
        left = nn.Linear(4, 8);
        right = nn.Linear(2, 8);
        head = nn.Linear(16, 3);
        RegisterComponents();
    }

    public override Tensor forward(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return head.call(cat([nn.functional.relu(left.call(a)), nn.functional.relu(right.call(b))], 1)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            left.Dispose();
            right.Dispose();
            head.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Small synthetic datasets, each a pure function of its seed.</summary>
internal static class Synthetic
{
    /// <summary>Three Gaussian blobs in 4-D with class-index labels; well separated, so a tiny net learns them in a few epochs.</summary>
    public static TensorDataset Blobs(int count, int seed, double spread = 0.5)
    {
        var random = new Random(seed);
        var centers = new[] { new[] { 2.0, 0, 0, 1 }, new[] { -2.0, 1, 0, -1 }, new[] { 0.0, -2, 2, 0 } };
        var x = new float[count * 4];
        var y = new long[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % 3;
            y[i] = label;
            for (var f = 0; f < 4; f++) x[i * 4 + f] = (float)(centers[label][f] + spread * Gaussian(random));
        }
        return new TensorDataset(tensor(x, [count, 4]), tensor(y, [count]));
    }

    /// <summary>y = sum of the features / 4, shaped [N].</summary>
    public static TensorDataset Regression(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count * 4];
        var y = new float[count];
        for (var i = 0; i < count; i++)
        {
            for (var f = 0; f < 4; f++) x[i * 4 + f] = (float)Gaussian(random);
            y[i] = (x[i * 4] + x[i * 4 + 1] + x[i * 4 + 2] + x[i * 4 + 3]) / 4;
        }
        return new TensorDataset(tensor(x, [count, 4]), tensor(y, [count]));
    }

    /// <summary>Binary labels (0/1 floats) for whether the first feature is positive.</summary>
    public static TensorDataset Binary(int count, int seed)
    {
        var random = new Random(seed);
        var x = new float[count * 4];
        var y = new float[count];
        for (var i = 0; i < count; i++)
        {
            for (var f = 0; f < 4; f++) x[i * 4 + f] = (float)Gaussian(random);
            y[i] = x[i * 4] > 0 ? 1 : 0;
        }
        return new TensorDataset(tensor(x, [count, 4]), tensor(y, [count]));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>Records everything a run reports.</summary>
internal sealed class RecordingCallback(Func<EpochReport, EpochDecision>? decide = null) : ITrainingCallback
{
    public List<TrainingStart> Starts { get; } = [];
    public List<BatchReport> Batches { get; } = [];
    public List<EpochReport> Epochs { get; } = [];
    public List<TrainingResult?> Ends { get; } = [];
    public Action<BatchReport>? OnBatch { get; init; }

    public void OnFitStart(TrainingStart start) => Starts.Add(start);

    public void OnBatchEnd(BatchReport report)
    {
        Batches.Add(report);
        OnBatch?.Invoke(report);
    }

    public EpochDecision OnEpochEnd(EpochReport report)
    {
        Epochs.Add(report);
        return decide?.Invoke(report) ?? EpochDecision.Continue;
    }

    public void OnFitEnd(TrainingResult? result) => Ends.Add(result);
}

internal static class Weights
{
    /// <summary>Copies of every state tensor's values, for exact comparisons after the module changes.</summary>
    public static Dictionary<string, float[]> Of(nn.Module module) =>
        module.state_dict().ToDictionary(p => p.Key, p =>
        {
            using var cpu = p.Value.detach().cpu();
            return cpu.data<float>().ToArray();
        });

    public static bool Equal(Dictionary<string, float[]> a, Dictionary<string, float[]> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && p.Value.AsSpan().SequenceEqual(other));
}
