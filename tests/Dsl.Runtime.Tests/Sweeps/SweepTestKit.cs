using Dsl.Runtime.Tests.Training;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Sweeps;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>A tiny generated classifier for sweeps: 4 features, 3 classes, a searchable width.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class SweepNet
{
    [Dsl.Hyperparameter(4, 16, Default = 8)]
    public partial int Hidden { get; }

    [Dsl.Linear(nameof(Hidden)), Dsl.Activate(Dsl.Activation.ReLU), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>
/// The training half of the sweep, written as the [Sweep] generator will emit it: a learning rate and a batch size,
/// and a conditional momentum that exists only for SGD.
/// </summary>
public sealed record TinyTraining : IHyperparameters<TinyTraining>
{
    public double LearningRate { get; init; } = 0.05;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public double Momentum { get; init; } = 0.9;

    public int BatchSize { get; init; } = 32;

    public static TinyTraining Default { get; } = new();

    public static SearchSpace SearchSpace { get; } = new(
    [
        new FloatParameter("LearningRate", 1e-3, 1e-1, 0.05, Log: true),
        new CategoricalParameter("Optimizer", [OptimizerKind.Adam, OptimizerKind.Sgd], 0),
        new FloatParameter("Momentum", 0.5, 0.99, 0.9) { Condition = new ParameterCondition("Optimizer", [OptimizerKind.Sgd]) },
        new IntParameter("BatchSize", 16, 64, 32),
    ]);

    public static TinyTraining FromValues(IReadOnlyDictionary<string, object> values) => new()
    {
        LearningRate = values.TryGetValue("LearningRate", out var lr) ? ParameterValues.ToDouble(lr, "LearningRate") : 0.05,
        Optimizer = values.TryGetValue("Optimizer", out var o) ? ParameterValues.ToEnum<OptimizerKind>(o, "Optimizer") : OptimizerKind.Adam,
        Momentum = values.TryGetValue("Momentum", out var m) ? ParameterValues.ToDouble(m, "Momentum") : 0.9,
        BatchSize = values.TryGetValue("BatchSize", out var b) ? ParameterValues.ToInt32(b, "BatchSize") : 32,
    };

    public IReadOnlyDictionary<string, object> ToValues()
    {
        var values = new Dictionary<string, object> { ["LearningRate"] = LearningRate, ["Optimizer"] = Optimizer };
        if (Optimizer == OptimizerKind.Sgd) values["Momentum"] = Momentum;
        values["BatchSize"] = (long)BatchSize;
        return values;
    }
}

/// <summary>Sweep definitions, data and options small enough for a whole sweep to take a fraction of a second.</summary>
internal static class SweepKit
{
    public static SweepDefinition<TinyTraining> Definition(string name = "TinySweep", int epochs = 2, Func<TrainingOptions, TinyTraining, TrainingOptions>? configure = null) =>
        new(name, Metric.Accuracy, StudyDirection.Maximize, epochs, configure ?? Configure);

    public static TrainingOptions Configure(TrainingOptions options, TinyTraining training) => options with
    {
        LearningRate = training.LearningRate,
        Optimizer = training.Optimizer,
        Momentum = training.Optimizer == OptimizerKind.Sgd ? training.Momentum : 0,
        BatchSize = training.BatchSize,
    };

    /// <summary>Well-separated blobs with some overlap, so trials differ but every one learns something.</summary>
    public static SweepData Data(bool test = false) => new(
        Synthetic.Blobs(96, seed: 1, spread: 1.2),
        Synthetic.Blobs(48, seed: 2, spread: 1.2),
        test ? Synthetic.Blobs(48, seed: 3, spread: 1.2) : null);

    public static SweepOptions Options(string output, int trials = 4) => new()
    {
        Trials = trials,
        Seed = 7,
        Progress = SweepProgress.None,
        OutputDirectory = output,
    };

    public static Task<SweepResult<SweepNet, SweepNet.Hyperparameters, TinyTraining>> RunAsync(
        SweepData data, SweepOptions options, SweepDefinition<TinyTraining>? definition = null, CancellationToken cancellationToken = default) =>
        SweepRunner.RunAsync<SweepNet, SweepNet.Hyperparameters, TinyTraining>(definition ?? Definition(), data, options, cancellationToken);

    public static SearchSpace Space => SweepNet.Hyperparameters.SearchSpace.Concat(TinyTraining.SearchSpace);

    /// <summary>Runs the tiny sweep's command line and returns its exit code and what it wrote.</summary>
    public static async Task<(int Code, string Output, string Error)> RunCommandLineAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Dsl.CommandLine.SweepCommandLine.RunAsync<SweepNet, SweepNet.Hyperparameters, TinyTraining>(
            Definition(), args, () => Data(), output, error);
        return (code, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary folder for a test's study file and outputs, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("dsl-sweep-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Pooled SQLite connections keep files open; the stores' DisposeAsync clears them, this is a safety net.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records every progress event, optionally acting on one (to cancel a sweep mid-trial).</summary>
internal sealed class RecordingProgress(Action<TrialEpoch>? onEpoch = null) : ISweepObserver
{
    private readonly Lock gate = new();

    public List<SweepStart> Starts { get; } = [];
    public List<TrialStart> Trials { get; } = [];
    public List<TrialEpoch> Epochs { get; } = [];
    public List<TrialEnd> Ends { get; } = [];
    public List<SweepEnd> Finishes { get; } = [];

    public void SweepStarted(SweepStart start)
    {
        lock (gate) Starts.Add(start);
    }

    public void TrialStarted(TrialStart trial)
    {
        lock (gate) Trials.Add(trial);
    }

    public void EpochEnded(TrialEpoch epoch)
    {
        lock (gate) Epochs.Add(epoch);
        onEpoch?.Invoke(epoch);
    }

    public void TrialEnded(TrialEnd trial)
    {
        lock (gate) Ends.Add(trial);
    }

    public void SweepEnded(SweepEnd end)
    {
        lock (gate) Finishes.Add(end);
    }
}

internal static class SweepAssert
{
    public static void NoneRunning(IReadOnlyList<TrialRecord> trials) =>
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
}
