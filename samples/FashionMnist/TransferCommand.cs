using System.CommandLine;
using System.Globalization;
using Dsl.Checkpoints;
using Dsl.CommandLine;
using Dsl.Datasets;
using Dsl.Training;

namespace FashionMnistSample;

/// <summary>`transfer`: pretrains FashionCnn on classes 0–4, transfers it to 5–9 with little data, and compares with scratch.</summary>
internal static class TransferCommand
{
    public static Command Create(CommandLineApp app)
    {
        var command = new Command("transfer",
            "Pretrain FashionCnn on classes 0-4, then train it on a share of classes 5-9's images with a new head and the " +
            "convolutional stem frozen, and compare with training from scratch on the same images for the same epochs (and with the " +
            "same transfer with nothing frozen).");
        var pretrainEpochs = CommandLineOptions.Integer("--pretrain-epochs", "Epochs on classes 0-4.", 2, 1);
        var epochs = CommandLineOptions.Integer("--epochs", "Epochs of the transfer, the unfrozen transfer and the scratch run alike.", 3, 1);
        var fraction = CommandLineOptions.PositiveNumber("--fraction", "Share of classes 5-9's training images, at most 1.", 0.1);
        // A share above 1 is a usage error (exit 2), not a failure of the run.
        fraction.Validators.Add(result =>
        {
            // Read the token itself: a value the option's parser refused has its own error, and reading it would throw.
            if (result.Tokens is [{ Value: var text }] && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 1)
                result.AddError($"--fraction expects a share in (0, 1], but got '{text}'.");
        });
        var seed = CommandLineOptions.Integer("--seed", "Seed for the subset, the weights and shuffling.", 0, 0);
        var data = DataOption.Create();
        command.Options.Add(pretrainEpochs);
        command.Options.Add(epochs);
        command.Options.Add(fraction);
        command.Options.Add(seed);
        command.Options.Add(data);
        command.SetAction(parse =>
        {
            try
            {
                var dataset = FashionMnist.Load(parse.GetValue(data));
                app.Output.WriteLine($"data: {dataset.Source}");
                var outcome = TransferExperiment.Run(
                    dataset, parse.GetValue(pretrainEpochs), parse.GetValue(epochs), parse.GetValue(fraction), parse.GetValue(seed), app.Output);
                app.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"transfer gain {outcome.Gain:+0.0000;-0.0000} (transfer {outcome.TransferAccuracy:F4}, scratch {outcome.ScratchAccuracy:F4}); " +
                    $"with nothing frozen {outcome.UnfrozenGain:+0.0000;-0.0000} ({outcome.UnfrozenAccuracy:F4})"));
                return 0;
            }
            catch (Exception e) when (e is DatasetException or ArgumentException or TrainingDivergedException or CheckpointException or IOException)
            {
                return app.Fail(e.Message);
            }
        });
        return command;
    }
}
