using Dsl.Checkpoints;
using Dsl.ModelFusion.Soups;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;

namespace Dsl.Runtime.Tests.ModelFusion;

/// <summary>The fine-tune recipe: variants start from the checkpoint, differ in sampled settings, and a rerun reuses finished ones.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class FineTuningTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Variants_start_from_the_checkpoints_weights()
    {
        using var data = SweepKit.Data();
        var start = SaveTrainedStart(data.Train);

        // A vanishing learning rate leaves each variant where it started: at the checkpoint's weights, not at a fresh initialisation.
        var options = new FineTuneOptions { Variants = 2, Epochs = 1, MinLearningRateScale = 1e-12, MaxLearningRateScale = 1e-12 };
        var variants = FineTuningRecipe.Run<TinyNet, TinyNet.Hyperparameters>(start, new TrainingOptions { BatchSize = 16 }, data.Train, data.Validation, folder.File("fine-tune"), options);

        Assert.Equal([0, 1], variants.Select(v => v.Index));
        using var reference = Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(start);
        foreach (var variant in variants)
        {
            using var model = Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(variant.Path);
            foreach (var (key, value) in reference.state_dict())
                SoupsTestKit.AssertClose(SoupsTestKit.Values(value), SoupsTestKit.Values(model.state_dict()[key]), 1e-5);
        }
    }

    [Fact]
    public void Variants_get_different_sampled_settings_around_the_trials_learning_rate()
    {
        var trial = new TrainingOptions { LearningRate = 0.01 };
        var options = new FineTuneOptions { Seed = 3 };
        var settings = Enumerable.Range(0, 8).Select(i => FineTuneSettings.Sample(trial, i, options)).ToList();

        Assert.All(settings, s => Assert.InRange(s.LearningRate, 0.001 - 1e-12, 0.01 + 1e-12));
        Assert.Equal(8, settings.Distinct().Count());
        Assert.Equal(8, settings.Select(s => s.Seed).Distinct().Count());
        // The draw of a variant does not depend on how many are asked for, so a rerun with more variants keeps the first ones.
        Assert.Equal(settings[2], FineTuneSettings.Sample(trial, 2, options));
    }

    [Fact]
    public void A_rerun_reuses_finished_variants_and_trains_only_the_missing_ones()
    {
        using var data = SweepKit.Data();
        var start = SaveTrainedStart(data.Train);
        var output = folder.File("fine-tune");
        var training = new TrainingOptions { BatchSize = 16, LearningRate = 0.02 };

        var first = FineTuningRecipe.Run<TinyNet, TinyNet.Hyperparameters>(start, training, data.Train, data.Validation, output,
            new FineTuneOptions { Variants = 2, Epochs = 1 });
        Assert.All(first, v => Assert.False(v.Reused));
        var written = first.Select(v => File.GetLastWriteTimeUtc(v.Path)).ToList();
        // A variant interrupted before its marker was written is trained again.
        File.Delete(Path.Combine(output, "1", FineTuningRecipe.SettingsFileName));

        var second = FineTuningRecipe.Run<TinyNet, TinyNet.Hyperparameters>(start, training, data.Train, data.Validation, output,
            new FineTuneOptions { Variants = 3, Epochs = 1 });

        Assert.Equal([true, false, false], second.Select(v => v.Reused));
        Assert.Equal(written[0], File.GetLastWriteTimeUtc(second[0].Path));
        Assert.Equal(first[0].Settings, second[0].Settings);
        Assert.Equal(first[1].Settings, second[1].Settings);

        // A new checkpoint at the same path (a rerun sweep's trial with the same number) is not the start the variants came from.
        SaveTrainedStart(data.Train);
        File.SetLastWriteTimeUtc(start, DateTime.UtcNow.AddMinutes(1));
        var third = FineTuningRecipe.Run<TinyNet, TinyNet.Hyperparameters>(start, training, data.Train, data.Validation, output,
            new FineTuneOptions { Variants = 1, Epochs = 1 });
        Assert.False(Assert.Single(third).Reused);
    }

    /// <summary>Saves a briefly trained TinyNet as start.pt, the checkpoint the variants are fine-tuned from.</summary>
    private string SaveTrainedStart(TensorDataset train)
    {
        var start = folder.File("start.pt");
        using var trained = SoupsTestKit.TrainedBase(train);
        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(trained, start);
        return start;
    }
}
