using System.CommandLine;
using FashionMnistSample;

// The sweep commands come from the generated FashionSweep driver; train and fusion are this sample's own.
if (args is ["sweep" or "show" or "best" or "export", ..])
    return await FashionSweep.RunCommandLineAsync(args, SweepDataLoader.Load);
if (args is ["fusion", "sweep" or "show" or "best" or "export", ..])
    return await TwoViewSweep.RunCommandLineAsync(args[1..], FusionCommand.LoadSweepData);

// The main job, with no arguments: a short sweep whose first trial trains FashionCnn with its declared defaults.
if (args.Length == 0)
{
    Console.WriteLine("main job: trains the generated FashionCnn with its defaults, then 5 more trials chosen by TPE and pruned by ASHA (up to 2 epochs each).");
    Console.WriteLine("the full search: sweep --trials 24 --pruner asha --enqueue-defaults; training alone: train; every command: --help");
    return await FashionSweep.RunCommandLineAsync(
        ["sweep", "--trials", "6", "--epochs", "2", "--pruner", "asha", "--enqueue-defaults", "--storage", "memory"], SweepDataLoader.Load);
}

var root = new RootCommand("Trains the generated FashionCnn on Fashion-MNIST and prints its test accuracy (train; with no arguments at all, " +
                           "the main job: a short sweep that first trains FashionCnn's defaults), trains the two-input TwoViewNet (fusion), " +
                           "sweeps FashionCnn's hyperparameters (sweep, show, best, export), or sweeps TwoViewNet's fusion op and widths " +
                           "(fusion sweep, fusion show, ...).");
var train = new Command("train", "Train FashionCnn with its defaults (or the given options) and print its test accuracy.");
TrainCommand.Configure(train);
TrainCommand.Configure(root);
root.Subcommands.Add(train);
root.Subcommands.Add(FusionCommand.Create());
return await root.Parse(args).InvokeAsync();
