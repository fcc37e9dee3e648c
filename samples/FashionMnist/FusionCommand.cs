using System.CommandLine;
using Dsl;
using Dsl.Datasets;
using Dsl.Training;

namespace FashionMnistSample;

/// <summary>`fusion`: trains the two-input TwoViewNet (image + row/column profiles) and reports its test accuracy.</summary>
internal static class FusionCommand
{
    public static Command Create()
    {
        var command = new Command("fusion", "Train the two-input TwoViewNet: a CNN over the image and an MLP over its intensity profiles, fused.");
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 2 };
        var merge = new Option<FusionKind>("--merge") { Description = "The fusion op.", DefaultValueFactory = _ => FusionKind.Attention };
        var data = new Option<string?>("--data") { Description = "Folder with the Fashion-MNIST IDX files (see the train command)." };
        command.Options.Add(epochs);
        command.Options.Add(merge);
        command.Options.Add(data);
        command.SetAction(parse => Run(parse.GetValue(data), parse.GetValue(epochs), parse.GetValue(merge)));
        return command;
    }

    private static int Run(string? dataDirectory, int epochs, FusionKind merge)
    {
        try
        {
            var options = new TrainingOptions { Epochs = epochs, Seed = 0 };
            options.Validate();
            var dataset = FashionMnist.Load(dataDirectory);
            Console.WriteLine($"data: {dataset.Source}");
            using var train = TwoViews(dataset.Train);
            using var test = TwoViews(dataset.Test);

            using var model = Trainer.CreateModel<TwoViewNet, TwoViewNet.Hyperparameters>(
                TwoViewNet.Hyperparameters.Default with { Merge = merge }, options.Seed);
            Console.WriteLine($"model: TwoViewNet {model.HyperparameterValues}");
            var trainer = new Trainer(options);
            // A diverged run's weights are no model: report it and fail rather than print the test accuracy of noise.
            trainer.Fit(model, train, validation: null, TrainingCallbacks.OnEpochEnd(report =>
            {
                Console.WriteLine($"epoch {report.Epoch}/{epochs}: train loss {report.TrainLoss:F4}, {report.SamplesPerSecond:F0} samples/s");
                return EpochDecision.Continue;
            })).EnsureNotDiverged();
            var evaluation = trainer.Evaluate(model, test);
            Console.WriteLine($"test accuracy {evaluation.Accuracy:F4}");
            return 0;
        }
        catch (Exception e) when (e is DatasetException or ArgumentException or TrainingDivergedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The two views for `fusion sweep`: a stratified 90/10 train/validation split, and the test set for the final check.</summary>
    public static Dsl.Sweeps.SweepData LoadSweepData()
    {
        var dataset = FashionMnist.Load(Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable));
        Console.WriteLine($"data: {dataset.Source}");
        using var all = TwoViews(dataset.Train);
        return Dsl.Sweeps.SweepData.Split(all, validationFraction: 0.1, seed: 0, test: TwoViews(dataset.Test));
    }

    private static TensorDataset TwoViews(LabeledImages images)
    {
        var (pixels, labels) = images.ToTensors();
        return new TensorDataset([pixels, TwoViewNet.Profiles(pixels)], labels);
    }
}
