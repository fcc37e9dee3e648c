using System.CommandLine;
using Dsl.Search.Pruning;
using Dsl.Search.Sampling;
using Dsl.Studies;
using Dsl.Studies.Artifacts;
using Dsl.Sweeps;

namespace Dsl.CommandLine;

/// <summary>The options of a <c>sweep</c> command, model sweep or sweep of user code alike, and the <see cref="SweepOptions"/> they make.</summary>
/// <param name="sweepName">The sweep's name: the default study name and file.</param>
/// <param name="budgetName">The option that bounds a trial's epochs (<c>--epochs</c>) or reported steps (<c>--steps</c>): the pruners' budget.</param>
/// <param name="budgetDescription">What <paramref name="budgetName"/> means.</param>
/// <param name="budget">Its default.</param>
/// <param name="trainsModels">Whether trials write checkpoints: a sweep of user code has no <c>--artifacts</c> or <c>--keep-checkpoints</c>.</param>
internal sealed class SweepCommandOptions(string sweepName, string budgetName, string budgetDescription, int budget, bool trainsModels)
{
    private readonly Option<int> trials = CommandLineOptions.Integer("--trials",
        "Trials the study should hold when the sweep ends, counted over every worker that joins it; rerunning an interrupted sweep continues up to this total.", 20, 1);
    private readonly Option<TimeSpan?> timeout = CommandLineOptions.Duration("--timeout",
        $"A time budget such as {Durations.Examples}: no trial starts after it, running trials finish. Default: none.");
    private readonly Option<string> sampler = CommandLineOptions.Choice("--sampler",
        "How trials are chosen: tpe (Bayesian), random, grid, halton (quasi-random; sobol is accepted as an alias), cmaes.", "tpe", CommandLineOptions.SamplerNames);
    private readonly Option<string> pruner = CommandLineOptions.Choice("--pruner",
        "Which unpromising trials stop early: none, median, asha (asynchronous successive halving), hyperband.", "none", CommandLineOptions.PrunerNames);
    private readonly Option<string?> storage = CommandLineOptions.Storage(
        "The study store: a SQLite file path, a sqlite:///path URL, 'memory', or a postgresql://user@host:5432/db URL that workers on several "
        + $"machines share (the password from the URL, PGPASSWORD or ~/.pgpass). Default: <study>.db in the current directory ({sweepName}.db).",
        mustExist: false);
    private readonly Option<string?> study = CommandLineOptions.Study(sweepName);
    private readonly Option<int> seed = CommandLineOptions.Integer("--seed", "Seeds the sampler and every trial's weights, shuffles and dropout.", 0, 0);
    private readonly Option<int> jobs = CommandLineOptions.Integer("--jobs", "Trials run in parallel in this process, sharing the CPU threads.", 1, 1);
    private readonly Option<int> epochs = CommandLineOptions.Integer(budgetName, budgetDescription, budget, 1);
    private readonly Option<int> retries = CommandLineOptions.Integer("--max-retries", "How often a trial interrupted by a crash or Ctrl-C is retried.", 1, 0);
    private readonly Option<string?> output = CommandLineOptions.Text("--output",
        (trainsModels ? "Folder for the trials' checkpoints, best.pt, best.json and the report." : "Folder for best.json and the report.")
        + $" Default: runs/<study> (runs/{sweepName}).", "dir");
    private readonly Option<string?> artifacts = CommandLineOptions.Text("--artifacts",
        "Folder for the trials' checkpoints (<dir>/<number>/model.pt). Workers on several machines share one study's checkpoints through a "
        + "folder every worker, and best and the report, reach at the same path, such as a network mount. Default: <output>/trials.", "dir");
    private readonly Option<TimeSpan?> heartbeat = CommandLineOptions.Duration("--heartbeat",
        "How often this worker tells the store it is alive, and looks for trials of workers that stopped. Default: 30s.");
    private readonly Option<TimeSpan?> staleAfter = CommandLineOptions.Duration("--stale-after",
        "How long a worker may stay silent before its running trial is failed and retried by a live worker (longer than --heartbeat). Default: 5m.");
    private readonly Option<string> keepCheckpoints = CommandLineOptions.CountOrAll("--keep-checkpoints",
        "How many complete trials keep their checkpoints (trials/<number>/model.pt), the best first; 'all' keeps every one. The best's is also best.pt.", 5);
    private readonly Option<bool> enqueueDefaults = new("--enqueue-defaults")
    {
        Description = "Run the declared default hyperparameters first (a warm start); a study gets them once, however often it is rerun.",
    };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        Option[] checkpointOptions = trainsModels ? [artifacts, keepCheckpoints] : [];
        Option[] all = [trials, timeout, sampler, pruner, storage, study, seed, jobs, epochs, retries, heartbeat, staleAfter, output, .. checkpointOptions, enqueueDefaults];
        foreach (var option in all)
            command.Options.Add(option);
    }

    /// <summary>The store the sweep runs against: <c>--storage</c>, or the study's file.</summary>
    public string StorageText(ParseResult parse) => parse.GetValue(storage) ?? (parse.GetValue(study) ?? sweepName) + ".db";

    /// <summary>The sweep's options from the parsed command line; <paramref name="defaults"/> is the warm-start assignment of <c>--enqueue-defaults</c>.</summary>
    public SweepOptions Read(ParseResult parse, ISweepObserver progress, Func<IReadOnlyDictionary<string, object>> defaults)
    {
        var epochCount = parse.GetValue(epochs);
        var seedValue = parse.GetValue(seed);
        var jobCount = parse.GetValue(jobs);
        return new SweepOptions
        {
            Trials = parse.GetValue(trials),
            Timeout = parse.GetValue(timeout),
            Sampler = CreateSampler(parse.GetValue(sampler)!, seedValue, jobCount),
            Pruner = CreatePruner(parse.GetValue(pruner)!, epochCount),
            Study = parse.GetValue(study) ?? sweepName,
            Seed = seedValue,
            Jobs = jobCount,
            Epochs = epochCount,
            MaxRetries = parse.GetValue(retries),
            HeartbeatInterval = parse.GetValue(heartbeat) ?? new SweepOptions().HeartbeatInterval,
            StaleTrials = parse.GetValue(staleAfter) is { } stale
                ? StaleTrialPolicy.Default with { HeartbeatTimeout = stale, MaxRetries = parse.GetValue(retries) }
                : null,
            OutputDirectory = parse.GetValue(output),
            Artifacts = trainsModels && parse.GetValue(artifacts) is { } folder ? new FolderArtifactStore(folder) : null,
            KeepCheckpoints = trainsModels ? CommandLineOptions.CountOrAllValue(parse.GetValue(keepCheckpoints)!) : new SweepOptions().KeepCheckpoints,
            Progress = progress,
            Enqueue = parse.GetValue(enqueueDefaults) ? [defaults()] : [],
        };
    }

    private static ISampler CreateSampler(string name, int seed, int jobs) => name switch
    {
        "random" => Samplers.Random(seed),
        "grid" => Samplers.Grid(seed: seed),
        "halton" or "sobol" => Samplers.QuasiRandom(seed),
        "cmaes" => Samplers.CmaEs(seed),
        _ => Samplers.Tpe(seed, constantLiar: jobs > 1),
    };

    private static IPruner? CreatePruner(string name, int epochs) => name switch
    {
        "median" => Pruners.Median(),
        "asha" => Pruners.Asha(maxEpochs: epochs),
        "hyperband" => Pruners.Hyperband(maxEpochs: epochs),
        _ => null,
    };

}
