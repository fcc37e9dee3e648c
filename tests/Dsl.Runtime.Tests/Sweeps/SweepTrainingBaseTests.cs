using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Training;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>SweepOptions.Training: the fixed training settings every trial starts from.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class SweepTrainingBaseTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Every_trial_starts_from_the_base_options_and_the_sweep_sets_its_own_on_top()
    {
        using var data = SweepKit.Data();
        var seen = new List<TrainingOptions>();
        var definition = SweepKit.Definition(configure: (options, training) =>
        {
            lock (seen) seen.Add(options);
            return SweepKit.Configure(options, training);
        });
        var training = new TrainingOptions { LabelSmoothing = 0.1, Schedule = LearningRateSchedule.Cosine(), Epochs = 99, Seed = 1234 };

        await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 2) with { Training = training }, definition);

        Assert.Equal(2, seen.Count);
        Assert.All(seen, options =>
        {
            Assert.Equal(0.1, options.LabelSmoothing);
            Assert.IsType<CosineSchedule>(options.Schedule);
            Assert.Equal(2, options.Epochs);        // the sweep's budget, not the base's
            Assert.NotEqual(1234, options.Seed);    // each trial's own seed
        });
    }

    [Fact]
    public async Task An_invalid_base_option_fails_each_trial_with_the_reason()
    {
        using var data = SweepKit.Data();
        var options = SweepKit.Options(folder.Path, trials: 2) with { Training = new TrainingOptions { LabelSmoothing = 1.5 } };

        await using var storage = StudyStorage.InMemory();
        await SweepKit.RunAsync(data, options with { Storage = storage });

        var trials = await storage.GetTrialsAsync("TinySweep");
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t =>
        {
            Assert.Equal(TrialState.Failed, t.State);
            Assert.Contains("LabelSmoothing", t.Error);
        });
    }

    [Fact]
    public async Task A_base_checkpoint_path_is_rejected_before_any_trial()
    {
        using var data = SweepKit.Data();
        var options = SweepKit.Options(folder.Path) with { Training = new TrainingOptions { CheckpointPath = folder.File("x.pt") } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => SweepKit.RunAsync(data, options));
        Assert.Contains("Training.CheckpointPath must be null in a sweep", error.Message);
    }
}
