using System.CommandLine;
using Dsl.Datasets;
using Dsl.CommandLine;
using Dsl.Training;
using TorchSharp;

namespace FashionMnistSample;

/// <summary>The sample's default command: train FashionCnn with embedded defaults and report test accuracy.</summary>
internal static class TrainCommand
{
    public static void Configure(Command command, CommandLineApp app)
    {
        var epochs = CommandLineOptions.Integer("--epochs", "Passes over the training set.", 2, 1);
        var batchSize = CommandLineOptions.Integer("--batch-size", "Samples per optimisation step.", 128, 1);
        var learningRate = CommandLineOptions.PositiveNumber("--lr", "Adam learning rate.", 1e-3);
        var schedule = CommandLineOptions.Choice("--schedule", "Learning-rate schedule over the epochs.", ScheduleKind.Cosine);
        var seed = CommandLineOptions.Integer("--seed", "Seed for weights and shuffling.", 0, 0);
        var data = DataOption.Create();
        command.Options.Add(epochs);
        command.Options.Add(batchSize);
        command.Options.Add(learningRate);
        command.Options.Add(schedule);
        command.Options.Add(seed);
        command.Options.Add(data);
        command.SetAction(parse => Run(
            app,
            parse.GetValue(data),
            new TrainingOptions
            {
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                Schedule = LearningRateSchedule.For(parse.GetValue(schedule)),
                Seed = parse.GetValue(seed),
            }));
    }

    private static int Run(CommandLineApp app, string? dataDirectory, TrainingOptions options)
    {
        var output = app.Output;
        try
        {
            options.Validate();
            var dataset = FashionMnist.Load(dataDirectory);
            output.WriteLine($"data: {dataset.Source}");

            var (trainImages, trainLabels) = dataset.Train.ToTensors();
            var (testImages, testLabels) = dataset.Test.ToTensors();
            using var train = new TensorDataset(trainImages, trainLabels);
            using var test = new TensorDataset(testImages, testLabels);

            using var model = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, options.Seed);
            output.WriteLine($"model: FashionCnn {model.HyperparameterValues}");
            output.WriteLine($"training: {train.Count} samples, {options.Epochs} epochs, batch {options.BatchSize}, Adam lr {options.LearningRate} ({options.Schedule}), {torch.get_num_threads()} threads");

            var trainer = new Trainer(options);
            // A diverged run's weights are no model: report it and fail rather than print the test accuracy of noise.
            trainer.Fit(model, train, validation: null, TrainingCallbacks.OnEpochEnd(report =>
            {
                output.WriteLine($"epoch {report.Epoch}/{options.Epochs}: train loss {report.TrainLoss:F4}, {report.SamplesPerSecond:F0} samples/s");
                return EpochDecision.Continue;
            })).EnsureNotDiverged();

            var evaluation = trainer.Evaluate(model, test);
            output.WriteLine($"test loss {evaluation.Loss:F4}");
            output.WriteLine($"test accuracy {evaluation.Accuracy:F4}");
            return 0;
        }
        catch (Exception e) when (e is DatasetException or ArgumentException or TrainingDivergedException)
        {
            return app.Fail(e.Message);
        }
    }
}
