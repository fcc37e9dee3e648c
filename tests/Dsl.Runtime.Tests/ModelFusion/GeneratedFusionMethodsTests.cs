using Dsl.ModelFusion.Ensembles;
using Dsl.ModelFusion.Studies;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Sweeps.Output;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.ModelFusion;

/// <summary>A sweep of one architecture whose generated driver gains EnsembleTopAsync and SoupTopAsync (this project references Dsl.ModelFusion).</summary>
[Dsl.Sweep(typeof(FixedWidthNet), Epochs = 1)]
public partial class FixedWidthSweep
{
    [Dsl.Hyperparameter(0.005, 0.05, Log = true, Default = 0.02)] public partial double LearningRate { get; }
}

/// <summary>The generated driver's typed fusion methods, compiled and run on a tiny study.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class GeneratedFusionMethodsTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_generated_driver_ensembles_and_soups_its_studys_top_trials()
    {
        await using var storage = StudyStorage.InMemory();
        using var data = SweepKit.Data(test: true);
        var sweep = await FixedWidthSweep.RunAsync(data, new SweepOptions
        {
            Trials = 3, Seed = 3, Storage = storage, OutputDirectory = folder.Path, KeepCheckpoints = null, Progress = SweepProgress.None,
        });
        Assert.True(sweep.HasBest);

        using (var ensemble = await FixedWidthSweep.EnsembleTopAsync(storage, 3, EnsembleMethod.Weighted, data))
        {
            Assert.Equal(3, ensemble.Model.Members.Count);
            Assert.Equal("ensemble-weighted", ensemble.Record.Method);
            Assert.Equal(3.0, ensemble.Record.Fusion.InferenceCost);
            // The record holds what the returned model measures.
            var validation = new Trainer(new TrainingOptions()).Evaluate((nn.Module<Tensor, Tensor>)ensemble.Model.Module, data.Validation);
            Assert.Equal(validation.Accuracy, ensemble.Record.Fusion.ValidationAccuracy, 9);
            Assert.True(Directory.Exists(Path.Combine(folder.Path, "fusion", "ensemble-weighted")));
            // Its weights were fitted on that validation data.
            Assert.True(ensemble.Record.Fusion.ValidationInSample);
        }

        using (var stacking = await FixedWidthSweep.EnsembleTopAsync(storage, 3, EnsembleMethod.Stacking, data))
        {
            // The table shows the cross-fitted accuracy, not the in-sample one of the meta-learner's own fit.
            Assert.True(stacking.Model.Validation!.CrossFitted);
            Assert.Equal(stacking.Model.Validation.Accuracy, stacking.Record.Fusion.ValidationAccuracy, 9);
            Assert.False(stacking.Record.Fusion.ValidationInSample);
        }

        using (var soup = await FixedWidthSweep.SoupTopAsync(storage, 1, fineTune: 2, data,
                   new StudyFusionOptions { FineTuneEpochs = 1 }))
        {
            FixedWidthNet model = soup.Model;
            Assert.Equal(3, soup.Record.Members.Count);
            Assert.Equal(1.0, soup.Record.Fusion.InferenceCost);
            // The greedy soup never falls below where it started: its best ingredient, BatchNorm statistics recomputed.
            Assert.True(soup.Record.Fusion.ValidationAccuracy >= soup.Soup!.Steps[0].SoupAccuracy);
            var validation = new Trainer(new TrainingOptions()).Evaluate(model, data.Validation);
            Assert.Equal(validation.Accuracy, soup.Record.Fusion.ValidationAccuracy, 9);
            Assert.True(soup.Record.Fusion.ValidationInSample);
        }

        var records = FusionRecord.FromAttributes(await storage.GetStudyAttributesAsync(FixedWidthSweep.Definition.Name));
        Assert.Equal(["ensemble-stacking", "ensemble-weighted", "fine-tuned-soup"], records.Select(r => r.Method));
    }
}
