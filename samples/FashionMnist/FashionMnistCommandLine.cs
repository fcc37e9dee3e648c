using Dsl.CommandLine;
using Dsl.Search.Sampling;

namespace FashionMnistSample;

/// <summary>
/// The sample's command line: train and fusion are its own commands, and the generated sweeps' commands sit beside them
/// (FashionSweep's sweep, show, best and export) and under fusion (TwoViewSweep's), all with one error style.
/// </summary>
public static class FashionMnistCommandLine
{
    /// <summary>What the root help says the sample does.</summary>
    public const string Description =
        "Fashion-MNIST with the generated models. With no arguments: the main job, a short sweep of FashionCnn that first " +
        "trains its declared defaults. train: trains FashionCnn and prints its test accuracy (the root's options are train's). " +
        "sweep, show, best, export: sweep FashionCnn's hyperparameters and read the study. fusion: trains the two-input " +
        "TwoViewNet; fusion sweep, fusion show, fusion best, fusion export: sweep its fusion op and widths. transfer: pretrains " +
        "on classes 0-4 and transfers to 5-9 with 10% of their images, against training from scratch.";

    /// <summary>The trials of the main job, the defaults' included.</summary>
    private const int MainJobTrials = 6;

    /// <summary>Adds every command to <paramref name="app"/>, then runs the one <paramref name="args"/> names; with no arguments, the main job.</summary>
    public static Task<int> RunAsync(CommandLineApp app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        AddCommands(app);
        if (args.Length > 0) return app.RunAsync(args);

        // TPE proposes once half the budget has finished (the defaults' trial included); before that it draws at random.
        var startup = TpeOptions.DefaultStartupTrials(MainJobTrials);
        app.Output.WriteLine(
            $"main job: trains the generated FashionCnn with its defaults, then {MainJobTrials - 1} more trials of up to 2 epochs, pruned by ASHA: " +
            $"{startup - 1} random draws, then {MainJobTrials - startup} chosen by TPE.");
        app.Output.WriteLine("the full search: sweep --trials 24 --pruner asha --enqueue-defaults; training alone: train; every command: --help");
        return app.RunAsync(["sweep", "--trials", $"{MainJobTrials}", "--epochs", "2", "--pruner", "asha", "--enqueue-defaults", "--storage", "memory"]);
    }

    private static void AddCommands(CommandLineApp app)
    {
        var train = new System.CommandLine.Command("train", "Train FashionCnn with its defaults (or the given options) and print its test accuracy.");
        TrainCommand.Configure(train, app);
        TrainCommand.Configure(app.Root, app);
        app.Root.Subcommands.Add(train);

        var data = DataOption.Create();
        var sweep = app.AddSweep<FashionCnn, FashionCnn.Hyperparameters, FashionSweep.Hyperparameters>(
            FashionSweep.Definition, parse => SweepDataLoader.Load(parse.GetValue(data), app.Output));
        sweep.Options.Add(data);

        var fusion = FusionCommand.Create(app);
        app.Root.Subcommands.Add(fusion);
        var fusionData = DataOption.Create();
        var fusionSweep = app.AddSweep<TwoViewNet, TwoViewNet.Hyperparameters, TwoViewSweep.Hyperparameters>(
            TwoViewSweep.Definition, parse => FusionCommand.LoadSweepData(parse.GetValue(fusionData), app.Output), fusion);
        fusionSweep.Options.Add(fusionData);

        app.Root.Subcommands.Add(TransferCommand.Create(app));
    }
}
