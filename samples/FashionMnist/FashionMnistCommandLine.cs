using Dsl.CommandLine;
using Dsl.Search.Sampling;
using Dsl.Studies;
using Dsl.Sweeps.Output;

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
        "trains its declared defaults, then ensembles and soups its best models. train: trains FashionCnn and prints its test accuracy " +
        "(the root's options are train's). sweep, show, best, export: sweep FashionCnn's hyperparameters and read the study; " +
        "ensemble, soup: fuse the study's best trials. fusion: trains the two-input " +
        "TwoViewNet; fusion sweep, fusion show, fusion best, fusion export: sweep its fusion op and widths. transfer: pretrains " +
        "on classes 0-4 and transfers to 5-9 with 10% of their images, against training from scratch.";

    /// <summary>The trials of the main job, the defaults' included.</summary>
    private const int MainJobTrials = 4;

    /// <summary>The best trials the main job's ensembles fuse.</summary>
    private const int MainJobEnsembleTop = 3;

    /// <summary>The variants of the best trial the main job fine-tunes for its soup, one epoch each.</summary>
    private const int MainJobFineTuned = 2;

    /// <summary>Adds every command to <paramref name="app"/>, then runs the one <paramref name="args"/> names; with no arguments, the main job.</summary>
    public static Task<int> RunAsync(CommandLineApp app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        AddCommands(app);
        return args.Length > 0 ? app.RunAsync(args) : MainJobAsync(app);
    }

    /// <summary>
    /// The main job: a short sweep, then uniform and weighted ensembles of its best trials and a greedy soup of the best
    /// trial with variants fine-tuned from it, through the same commands a user types; it ends by saying whether fusing
    /// beat the best single model.
    /// </summary>
    private static async Task<int> MainJobAsync(CommandLineApp app)
    {
        // TPE proposes once half the budget has finished (the defaults' trial included); before that it draws at random.
        var startup = TpeOptions.DefaultStartupTrials(MainJobTrials);
        // No pruner: ensembles fuse complete trials, and ASHA on a sweep this short pruned all but the defaults' trial
        // on the full data (5 of 6), which left nothing to ensemble. The full search below shows ASHA.
        app.Output.WriteLine(
            $"main job: trains the generated FashionCnn with its defaults, then {MainJobTrials - 1} more trials of 2 epochs: " +
            $"{startup - 1} random draw{(startup - 1 == 1 ? "" : "s")}, then {MainJobTrials - startup} chosen by TPE; then fuses them: uniform and weighted ensembles of the " +
            $"best {MainJobEnsembleTop}, and a greedy soup of the best with {MainJobFineTuned} variants fine-tuned from it for 1 epoch.");
        app.Output.WriteLine("the full search: sweep --trials 24 --pruner asha --enqueue-defaults; training alone: train; every command: --help");

        // A fresh study file per run, like the in-memory study the main job used before fusing: the fusion commands read it.
        var study = Path.Combine(Path.GetTempPath(), $"dsl-main-job-{Environment.ProcessId}-{Guid.NewGuid():N}.db");
        try
        {
            var code = await app.RunAsync(["sweep", "--trials", $"{MainJobTrials}", "--epochs", "2", "--enqueue-defaults", "--storage", study]);
            if (code != 0) return code;
            foreach (string[] fuse in new[]
            {
                ["ensemble", "--storage", study, "--top", $"{MainJobEnsembleTop}", "--method", "uniform"],
                ["ensemble", "--storage", study, "--top", $"{MainJobEnsembleTop}", "--method", "weighted"],
                new[] { "soup", "--storage", study, "--fine-tune", $"{MainJobFineTuned}", "--fine-tune-epochs", "1" },
            })
            {
                app.Output.WriteLine($"main job: {string.Join(' ', fuse.Where(a => a != study && a != "--storage"))}");
                code = await app.RunAsync(fuse);
                if (code != 0) return code;
            }

            await using var storage = StudyStorage.Open(study, readOnly: true);
            var fusions = FusionRecord.FromAttributes(await storage.GetStudyAttributesAsync(FashionSweep.Definition.Name));
            app.Output.WriteLine("fusion summary (test accuracy, inference cost): " + string.Join("; ",
                fusions.Select(f => FormattableString.Invariant($"{f.Fusion.Name} {f.Fusion.TestAccuracy ?? f.Fusion.ValidationAccuracy:F4} ({f.Fusion.InferenceCost:0.#}x)"))));
            if (FusionRecord.Verdict(fusions) is { } verdict) app.Output.WriteLine(verdict);
            return 0;
        }
        finally
        {
            foreach (var file in new[] { study, study + "-wal", study + "-shm" })
                File.Delete(file);
        }
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
        // The fusion commands load the same data as the sweep, for validation and test scores, BatchNorm passes and fine-tuning.
        foreach (var fuse in app.Root.Subcommands.Where(c => c.Name is "ensemble" or "soup"))
            fuse.Options.Add(data);

        var fusion = FusionCommand.Create(app);
        app.Root.Subcommands.Add(fusion);
        var fusionData = DataOption.Create();
        var fusionSweep = app.AddSweep<TwoViewNet, TwoViewNet.Hyperparameters, TwoViewSweep.Hyperparameters>(
            TwoViewSweep.Definition, parse => FusionCommand.LoadSweepData(parse.GetValue(fusionData), app.Output), fusion);
        fusionSweep.Options.Add(fusionData);
        foreach (var fuse in fusion.Subcommands.Where(c => c.Name is "ensemble" or "soup"))
            fuse.Options.Add(fusionData);

        app.Root.Subcommands.Add(TransferCommand.Create(app));
    }
}
