using System.CommandLine;
using Dsl.Datasets;
using Dsl.Training;
using TorchSharp;

namespace FashionMnistSample;

/// <summary>The sample's default command: train FashionCnn with embedded defaults and report test accuracy.</summary>
internal static class TrainCommand
{
    public static void Configure(Command command)
    {
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set.", DefaultValueFactory = _ => 2 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per optimisation step.", DefaultValueFactory = _ => 128 };
        var learningRate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var schedule = new Option<ScheduleKind>("--schedule") { Description = "Learning-rate schedule over the epochs.", DefaultValueFactory = _ => ScheduleKind.Cosine };
        var seed = new Option<int>("--seed") { Description = "Seed for weights and shuffling.", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data")
        {
            Description = "Folder with the Fashion-MNIST IDX files. Default: $DSL_FASHION_MNIST_DIR, then " +
                          "/usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist), then the embedded subset. " +
                          "'embedded' picks the embedded 6,000/1,000 subset.",
        };
        command.Options.Add(epochs);
        command.Options.Add(batchSize);
        command.Options.Add(learningRate);
        command.Options.Add(schedule);
        command.Options.Add(seed);
        command.Options.Add(data);
        command.SetAction(parse => Run(
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

    private static int Run(string? dataDirectory, TrainingOptions options)
    {
        try
        {
            options.Validate();
            var dataset = FashionMnist.Load(dataDirectory);
            Console.WriteLine($"data: {dataset.Source}");

            var (trainImages, trainLabels) = dataset.Train.ToTensors();
            var (testImages, testLabels) = dataset.Test.ToTensors();
            using var train = new TensorDataset(trainImages, trainLabels);
            using var test = new TensorDataset(testImages, testLabels);

            using var model = Trainer.CreateModel<FashionCnn, FashionCnn.Hyperparameters>(FashionCnn.Hyperparameters.Default, options.Seed);
            Console.WriteLine($"model: FashionCnn {model.HyperparameterValues}");
            Console.WriteLine($"training: {train.Count} samples, {options.Epochs} epochs, batch {options.BatchSize}, Adam lr {options.LearningRate} ({options.Schedule}), {torch.get_num_threads()} threads");

            var trainer = new Trainer(options);
            // A diverged run's weights are no model: report it and fail rather than print the test accuracy of noise.
            trainer.Fit(model, train, validation: null, TrainingCallbacks.OnEpochEnd(report =>
            {
                Console.WriteLine($"epoch {report.Epoch}/{options.Epochs}: train loss {report.TrainLoss:F4}, {report.SamplesPerSecond:F0} samples/s");
                return EpochDecision.Continue;
            })).EnsureNotDiverged();

            var evaluation = trainer.Evaluate(model, test);
            Console.WriteLine($"test loss {evaluation.Loss:F4}");
            Console.WriteLine($"test accuracy {evaluation.Accuracy:F4}");
            return 0;
        }
        catch (Exception e) when (e is DatasetException or ArgumentException or TrainingDivergedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
