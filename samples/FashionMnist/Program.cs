using System.CommandLine;
using FashionMnistSample;

// The sweep commands come from the generated FashionSweep driver; train and fusion are this sample's own.
if (args is ["sweep" or "show" or "best" or "export", ..])
    return await FashionSweep.RunCommandLineAsync(args, SweepDataLoader.Load);
if (args is ["fusion", "sweep" or "show" or "best" or "export", ..])
    return await TwoViewSweep.RunCommandLineAsync(args[1..], FusionCommand.LoadSweepData);

var root = new RootCommand("Trains the generated FashionCnn on Fashion-MNIST and prints its test accuracy (the default), " +
                           "trains the two-input TwoViewNet (fusion), sweeps FashionCnn's hyperparameters (sweep, show, best, export), " +
                           "or sweeps TwoViewNet's fusion op and widths (fusion sweep, fusion show, ...).");
TrainCommand.Configure(root);
root.Subcommands.Add(FusionCommand.Create());
return await root.Parse(args).InvokeAsync();
