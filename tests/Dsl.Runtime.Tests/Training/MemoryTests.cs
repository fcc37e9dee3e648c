using System.Text.RegularExpressions;
using Dsl.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

/// <summary>A generated network wide enough that a leaked batch or weight copy per run shows up in RSS.</summary>
/// <remarks>A batch is 32 × 256 floats (32 KiB), so leaking one per step grows RSS by 50 MiB over the measured runs.</remarks>
[Dsl.Model(Input = new[] { 256 }, Outputs = 3)]
public partial class MemoryNet
{
    [Dsl.Hyperparameter(8, 64, Default = 32)]
    public partial int Hidden { get; }

    [Dsl.Linear(nameof(Hidden)), Dsl.Activate(Dsl.Activation.ReLU), Dsl.Dropout(0.1), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

[Collection(TorchTrainingCollection.Name)]
public sealed partial class MemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Two_hundred_trainings_in_one_process_do_not_grow_memory_after_warm_up()
    {
        using var train = new TensorDataset(randn(256, 256), randint(0, 3, [256]));
        using var validation = new TensorDataset(randn(64, 256), randint(0, 3, [64]));
        // Every path that allocates: validation, schedule, clipping, early stopping with its weight snapshot.
        var trainer = new Trainer(new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 32,
            Schedule = LearningRateSchedule.Cosine().WithWarmup(epochs: 0.5),
            GradientClipNorm = 1,
            EarlyStopping = new EarlyStopping { Patience = 5, Monitor = MonitoredMetric.ValidationAccuracy },
        });

        void TrainOnce(int seed)
        {
            using var model = Trainer.CreateModel<MemoryNet, MemoryNet.Hyperparameters>(MemoryNet.Hyperparameters.Default, seed);
            var result = trainer.Fit(model, train, validation, callback: null);
            Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        }

        // Warm-up covers tiered JIT recompilation and the allocators reaching their working size: glibc opens its per-thread
        // arenas lazily, and on a busy machine (other test assemblies in parallel) it opened them over the first ~100 runs,
        // which a 30-run warm-up counted as 30 MiB of "growth". A leak grows with every run, so a long warm-up costs nothing.
        const int warmUp = 100;
        for (var i = 0; i < warmUp; i++) TrainOnce(i);
        var (rss0, managed0, live0) = Measure();
        for (var i = warmUp; i < 200; i++) TrainOnce(i);
        var (rss1, managed1, live1) = Measure();

        output.WriteLine($"RSS {rss0 / 1024.0:F1} → {rss1 / 1024.0:F1} MiB, managed {managed0} → {managed1} KiB, live tensors {live0} → {live1}");
        // The live-tensor count is the sharp check: a tensor left to the finalizer shows there even when a GC has already
        // returned its memory. RSS catches native growth outside tensors; its bound leaves room for allocator noise.
        Assert.True(rss1 - rss0 < 16 * 1024, $"RSS grew by {(rss1 - rss0) / 1024.0:F1} MiB over {200 - warmUp} trainings");
        Assert.True(managed1 - managed0 < 2 * 1024, $"managed heap grew by {(managed1 - managed0) / 1024.0:F0} KiB");
        Assert.True(live1 - live0 < 20, $"{live1 - live0} more live tensors after {200 - warmUp} trainings");
    }

    private static (long RssKiB, long ManagedKiB, long LiveTensors) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        var status = File.ReadAllText("/proc/self/status");
        var rss = long.Parse(VmRss().Match(status).Groups[1].Value);
        return (rss, GC.GetTotalMemory(forceFullCollection: true) / 1024, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [GeneratedRegex(@"VmRSS:\s+(\d+)\s+kB")]
    private static partial Regex VmRss();
}
