using System.CommandLine;
using Dsl;
using Dsl.CommandLine;
using Dsl.Datasets;
using Dsl.Sweeps;
using Dsl.Training;

namespace FashionMnistSample;

/// <summary>`fusion`: trains the two-input TwoViewNet (image + row/column profiles) and reports its test accuracy.</summary>
internal static class FusionCommand
{
    public static Command Create(CommandLineApp app)
    {
        var command = new Command("fusion",
            "Train the two-input TwoViewNet: a CNN over the image and an MLP over its intensity profiles, fused. " +
            "Its subcommands sweep TwoViewSweep: which fusion op works best, with the widths and the learning rate.");
        var epochs = CommandLineOptions.Integer("--epochs", "Passes over the training set.", 2, 1);
        var merge = CommandLineOptions.Choice("--merge", "The fusion op.", FusionKind.Attention);
        var data = DataOption.Create();
        command.Options.Add(epochs);
        command.Options.Add(merge);
        command.Options.Add(data);
        command.SetAction(parse => Run(app, parse.GetValue(data), parse.GetValue(epochs), parse.GetValue(merge)));
        return command;
    }

    private static int Run(CommandLineApp app, string? dataDirectory, int epochs, FusionKind merge)
    {
        var output = app.Output;
        try
        {
            var options = new TrainingOptions { Epochs = epochs, Seed = 0 };
            options.Validate();
            var dataset = FashionMnist.Load(dataDirectory);
            output.WriteLine($"data: {dataset.Source}");
            using var train = TwoViews(dataset.Train);
            using var test = TwoViews(dataset.Test);

            using var model = Trainer.CreateModel<TwoViewNet, TwoViewNet.Hyperparameters>(
                TwoViewNet.Hyperparameters.Default with { Merge = merge }, options.Seed);
            output.WriteLine($"model: TwoViewNet {model.HyperparameterValues}");
            var trainer = new Trainer(options);
            // A diverged run's weights are no model: report it and fail rather than print the test accuracy of noise.
            trainer.Fit(model, train, validation: null, TrainingCallbacks.OnEpochEnd(report =>
            {
                output.WriteLine($"epoch {report.Epoch}/{epochs}: train loss {report.TrainLoss:F4}, {report.SamplesPerSecond:F0} samples/s");
                return EpochDecision.Continue;
            })).EnsureNotDiverged();
            var evaluation = trainer.Evaluate(model, test);
            output.WriteLine($"test accuracy {evaluation.Accuracy:F4}");
            return 0;
        }
        catch (Exception e) when (e is DatasetException or ArgumentException or TrainingDivergedException)
        {
            return app.Fail(e.Message);
        }
    }

    /// <summary>The two views for `fusion sweep`: a stratified 90/10 train/validation split, and the test set for the final check.</summary>
    /// <param name="directory">The <c>--data</c> folder, or null for the default lookup, which reads DSL_FASHION_MNIST_DIR.</param>
    /// <param name="output">Where the data's source is reported.</param>
    public static SweepData LoadSweepData(string? directory, TextWriter output)
    {
        var dataset = FashionMnist.Load(directory);
        output.WriteLine($"data: {dataset.Source}");
        using var all = TwoViews(dataset.Train);
        return SweepData.Split(all, validationFraction: 0.1, seed: 0, test: TwoViews(dataset.Test));
    }

    private static TensorDataset TwoViews(LabeledImages images)
    {
        var (pixels, labels) = images.ToTensors();
        return new TensorDataset([pixels, TwoViewNet.Profiles(pixels)], labels);
    }
}
