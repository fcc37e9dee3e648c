using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Dsl.Checkpoints;
using Dsl.Datasets;
using Dsl.Reporting;
using Dsl.Search;
using Dsl.Search.Pruning;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;
using Spectre.Console;
using static TorchSharp.torch;

using Dsl.Sweeps;
using Dsl.Sweeps.Output;
using Dsl.Sweeps.Progress;

namespace Dsl.CommandLine;

/// <summary>The commands of a sweep's command line and what they do (the fusion commands are in SweepCommands.Fusion.cs).</summary>
internal sealed partial class SweepCommands<TModel, TModelHp, TSweepHp>(SweepDefinition<TSweepHp> definition, Func<ParseResult, SweepData> loadData, CommandLineHost host)
    where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
    where TModelHp : IHyperparameters<TModelHp>
    where TSweepHp : IHyperparameters<TSweepHp>
{
    private static readonly SearchSpace Space = TModelHp.SearchSpace.Concat(TSweepHp.SearchSpace);

    private string Metric => SweepText.MetricName(definition.Metric);

    /// <summary>What the sweep's own command line says it is.</summary>
    public static string Description(SweepDefinition<TSweepHp> definition) =>
        $"{definition.Name}: a hyperparameter sweep over {typeof(TModel).Name} that {SweepText.Direction(definition.Direction)}s the validation {SweepText.MetricName(definition.Metric)}. " +
        "Studies live in a SQLite file and resume: after a crash or Ctrl-C, rerun the same sweep command to continue.";

    /// <summary>Adds sweep, show, best, export, ensemble, soup and dashboard to <paramref name="parent"/>; returns the sweep command.</summary>
    public Command AddTo(Command parent)
    {
        var sweep = SweepCommand();
        parent.Subcommands.Add(sweep);
        parent.Subcommands.Add(ShowCommand());
        parent.Subcommands.Add(BestCommand());
        parent.Subcommands.Add(ExportCommand());
        parent.Subcommands.Add(EnsembleCommand());
        parent.Subcommands.Add(SoupCommand());
        parent.Subcommands.Add(DashboardCommand());
        return sweep;
    }

    private Command SweepCommand()
    {
        var trials = CommandLineOptions.Integer("--trials",
            "Trials the study should hold when the sweep ends; rerunning an interrupted sweep continues up to this total.", 20, 1);
        var timeout = CommandLineOptions.Duration("--timeout",
            $"A time budget such as {Durations.Examples}: no trial starts after it, running trials finish. Default: none.");
        var sampler = CommandLineOptions.Choice("--sampler",
            "How trials are chosen: tpe (Bayesian), random, grid, halton (quasi-random; sobol is accepted as an alias), cmaes.", "tpe", CommandLineOptions.SamplerNames);
        var pruner = CommandLineOptions.Choice("--pruner",
            "Which unpromising trials stop early: none, median, asha (asynchronous successive halving), hyperband.", "none", CommandLineOptions.PrunerNames);
        var storage = CommandLineOptions.Storage(
            $"The study store: a SQLite file path, a sqlite:///path URL, or 'memory'. Default: <study>.db in the current directory ({definition.Name}.db).",
            mustExist: false);
        var study = CommandLineOptions.Study(definition.Name);
        var seed = CommandLineOptions.Integer("--seed", "Seeds the sampler and every trial's weights, shuffles and dropout.", 0, 0);
        var jobs = CommandLineOptions.Integer("--jobs", "Trials trained in parallel in this process, sharing the CPU threads.", 1, 1);
        var epochs = CommandLineOptions.Integer("--epochs", "The most epochs a trial trains (the pruners' budget).", definition.Epochs, 1);
        var retries = CommandLineOptions.Integer("--max-retries", "How often a trial interrupted by a crash or Ctrl-C is retried.", 1, 0);
        var output = CommandLineOptions.Text("--output",
            $"Folder for the trials' checkpoints, best.pt, best.json and the report. Default: runs/<study> (runs/{definition.Name}).", "dir");
        var keepCheckpoints = CommandLineOptions.CountOrAll("--keep-checkpoints",
            "How many complete trials keep their checkpoints (trials/<number>/model.pt), the best first; 'all' keeps every one. The best's is also best.pt.", 5);
        var enqueueDefaults = new Option<bool>("--enqueue-defaults")
        {
            Description = "Train the declared default hyperparameters first (a warm start); a study gets them once, however often it is rerun.",
        };

        var command = new Command("sweep", "Run the sweep, or resume its study: trains trials until the study holds --trials of them.");
        foreach (var option in new Option[] { trials, timeout, sampler, pruner, storage, study, seed, jobs, epochs, retries, output, keepCheckpoints, enqueueDefaults })
            command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var studyName = parse.GetValue(study) ?? definition.Name;
            var epochCount = parse.GetValue(epochs);
            var seedValue = parse.GetValue(seed);
            var jobCount = parse.GetValue(jobs);
            var options = new SweepOptions
            {
                Trials = parse.GetValue(trials),
                Timeout = parse.GetValue(timeout),
                Sampler = CreateSampler(parse.GetValue(sampler)!, seedValue, jobCount),
                Pruner = CreatePruner(parse.GetValue(pruner)!, epochCount),
                Study = studyName,
                Seed = seedValue,
                Jobs = jobCount,
                Epochs = epochCount,
                MaxRetries = parse.GetValue(retries),
                OutputDirectory = parse.GetValue(output),
                KeepCheckpoints = CommandLineOptions.CountOrAllValue(parse.GetValue(keepCheckpoints)!),
                Progress = host.Progress,
                Enqueue = parse.GetValue(enqueueDefaults) ? [SweepOptions.Assignment(TModelHp.Default, TSweepHp.Default)] : [],
            };
            return await RunSweepAsync(parse, parse.GetValue(storage) ?? studyName + ".db", options, cancellationToken);
        });
        return command;
    }

    private async Task<int> RunSweepAsync(ParseResult parse, string storageText, SweepOptions options, CancellationToken cancellationToken)
    {
        if (!TryLoadData(parse, out var data, out var failure)) return failure;
        using (data)
        {
            await using var storage = Dsl.Studies.StudyStorage.Open(storageText);
            try
            {
                var report = SweepReport.Observer();
                var result = await SweepRunner.RunAsync<TModel, TModelHp, TSweepHp>(
                    definition, data, options with { Storage = storage, Observers = [.. options.Observers, report] }, cancellationToken);
                var lines = new List<string>();
                if (result.HasBest)
                {
                    lines.Add($"best hyperparameters: {Path.Combine(result.OutputDirectory, BestTrialJson.FileName)}");
                    if (result.Best.CheckpointPath is { } checkpoint) lines.Add($"best checkpoint: {checkpoint}");
                    if (result.TestEvaluation is { } test)
                        lines.Add($"test accuracy of the best model: {SweepText.Value(test.Accuracy)}, loss {SweepText.Value(test.Loss)}, on {test.Count} samples");
                }
                if (report.Files is { } files) lines.Add($"report: {files.Markdown}");
                foreach (var line in lines) await host.Output.WriteLineAsync(line);
                await host.Output.FlushAsync(CancellationToken.None);
                if (result.StopReason == SweepStopReason.Cancelled) return SweepCommandLine.InterruptedExitCode;
                if (result.HasBest) return 0;

                // A sweep that leaves no best model has failed at its job, whatever stopped it.
                var show = storage.IsPersistent ? $" See every trial with: show --storage {storage.Location} --study {result.Study}" : "";
                return host.Fail($"the sweep has no best model: {SweepText.NoCompleteTrial(result.Trials)}.{show}");
            }
            catch (Exception e) when (e is ArgumentException or StudyStorageException or CheckpointException or IOException or UnauthorizedAccessException)
            {
                return host.Fail(e.Message);
            }
        }
    }

    private bool TryLoadData(ParseResult parse, [NotNullWhen(true)] out SweepData? data, out int failure)
    {
        try
        {
            data = loadData(parse);
            failure = 0;
            return true;
        }
        catch (Exception e) when (e is DatasetException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            data = null;
            failure = host.Fail($"could not load the data: {e.Message}");
            return false;
        }
    }

    private Command ShowCommand()
    {
        var storage = CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({definition.Name}.db).", mustExist: true);
        var study = CommandLineOptions.Study(definition.Name);
        var command = ReadingCommand("show", "Show every trial of a study: state, value, epochs, time, parameters and errors.", storage, study);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var read = await ReadStudyAsync(parse.GetValue(storage), parse.GetValue(study), cancellationToken);
            if (read.Error is { } error) return read.IsUsageError ? host.UsageError(error, parse) : host.Fail(error);
            var (summary, trials) = (read.Summary!, read.Trials);
            var counts = string.Join(", ", trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {SweepText.State(g.Key)}"));
            var best = SweepText.Ranked(trials, summary.Direction).FirstOrDefault();
            host.Console.WriteLine(
                $"study {summary.Name} ({SweepText.Direction(summary.Direction)} {Metric}): {trials.Count} trials" +
                (counts.Length > 0 ? $" ({counts})" : "") +
                (best is null ? "; no complete trial yet" : $"; best trial {best.Number}: {Metric} {SweepText.Value(best.Value)}"));
            if (trials.Count > 0) host.Console.Write(SweepTables.Trials(trials, Metric, Space.Select(p => p.Name), ascii: host.Progress is not LiveSweepProgress));
            await host.Output.FlushAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private Command BestCommand()
    {
        var storage = CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({definition.Name}.db).", mustExist: true);
        var study = CommandLineOptions.Study(definition.Name);
        var command = ReadingCommand("best", "Print a study's best trial as JSON: its value, the model's and the training hyperparameters, and its checkpoint.", storage, study);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var read = await ReadStudyAsync(parse.GetValue(storage), parse.GetValue(study), cancellationToken);
            if (read.Error is { } error) return read.IsUsageError ? host.UsageError(error, parse) : host.Fail(error);
            if (SweepText.Ranked(read.Trials, read.Summary!.Direction).FirstOrDefault() is not { } best)
                return host.Fail($"study '{read.Summary.Name}' has no complete trial yet.");
            var (model, training) = SplitTyped(best.Parameters);
            await host.Output.WriteLineAsync(BestTrialJson.Write(read.Summary.Name, read.Summary.Direction, Metric, best, model, training));
            await host.Output.FlushAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private Command ExportCommand()
    {
        var storage = CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({definition.Name}.db).", mustExist: true);
        var study = CommandLineOptions.Study(definition.Name);
        var format = new Option<string?>("--format")
        {
            Description = "csv (one row per trial, a params_* column per parameter) or json (with per-epoch values). Default: from --output's extension, else csv.",
            HelpName = "csv|json",
        };
        format.CompletionSources.Add(CommandLineOptions.FormatNames);
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !CommandLineOptions.FormatNames.Contains(value.Trim().ToLowerInvariant()))
                result.AddError($"--format expects csv or json, but got '{value}'.");
        });
        var output = CommandLineOptions.Text("--output", "The file to write. Default: standard output.", "file");
        var command = ReadingCommand("export", "Export every trial of a study as CSV or JSON.", storage, study);
        command.Options.Add(format);
        command.Options.Add(output);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var read = await ReadStudyAsync(parse.GetValue(storage), parse.GetValue(study), cancellationToken);
            if (read.Error is { } error) return read.IsUsageError ? host.UsageError(error, parse) : host.Fail(error);
            var path = parse.GetValue(output);
            var kind = parse.GetValue(format)?.Trim().ToLowerInvariant()
                       ?? (path is not null && Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? "json" : "csv");
            string text;
            if (kind == "json")
            {
                text = TrialExport.ToJson(read.Summary!.Name, read.Summary.Direction, Metric, read.Trials) + Environment.NewLine;
            }
            else
            {
                using var writer = new StringWriter(CultureInfo.InvariantCulture);
                TrialExport.WriteCsv(writer, read.Trials, Space.Select(p => p.Name));
                text = writer.ToString();
            }

            if (path is null)
            {
                await host.Output.WriteAsync(text);
                await host.Output.FlushAsync(CancellationToken.None);
                return 0;
            }
            try
            {
                var directory = Path.GetDirectoryName(Path.GetFullPath(path));
                if (directory is not null) Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return host.Fail($"could not write '{path}': {e.Message}");
            }
            await host.Output.WriteLineAsync($"wrote {read.Trials.Count} trials of study {read.Summary!.Name} to {Path.GetFullPath(path)} ({kind})");
            await host.Output.FlushAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private static Command ReadingCommand(string name, string description, Option<string?> storage, Option<string?> study)
    {
        var command = new Command(name, description);
        command.Options.Add(storage);
        command.Options.Add(study);
        return command;
    }

    private async Task<StudyRead> ReadStudyAsync(string? storageText, string? studyName, CancellationToken cancellationToken)
    {
        var name = studyName ?? definition.Name;
        var text = storageText ?? name + ".db";
        // A given --storage was checked while parsing; the default file depends on --study, so it is checked here.
        // (A command validator would hide the options' own errors: System.CommandLine skips them once it has failed.)
        if (CommandLineOptions.StorageProblem(text, mustExist: true) is { } problem)
            return new StudyRead(null, [], problem) { IsUsageError = true };
        try
        {
            // Read-only: a study the user may read but not write (mode 0444, a shared folder) still shows.
            await using var storage = Dsl.Studies.StudyStorage.Open(text, readOnly: true);
            var studies = await storage.GetStudiesAsync(cancellationToken);
            var summary = studies.FirstOrDefault(s => s.Name == name);
            if (summary is null)
            {
                return new StudyRead(null, [], studies.Count == 0
                    ? $"'{text}' holds no study yet."
                    : $"'{text}' has no study '{name}'; it holds {string.Join(", ", studies.Select(s => $"'{s.Name}'"))}. Pass --study.");
            }
            try
            {
                // Opening with the space reads enum choices back as enum values; an older space still shows, untyped.
                await storage.CreateOrOpenStudyAsync(new StudyDefinition(name, summary.Direction, Space), cancellationToken);
            }
            catch (StudyMismatchException)
            {
            }
            return new StudyRead(summary, await storage.GetTrialsAsync(name, cancellationToken), null);
        }
        catch (StudyStorageException e)
        {
            return new StudyRead(null, [], e.Message);
        }
    }

    /// <summary>The model's and the training hyperparameters of an assignment, completed with defaults where the records accept it.</summary>
    private static (IReadOnlyDictionary<string, object> Model, IReadOnlyDictionary<string, object> Training) SplitTyped(IReadOnlyDictionary<string, object> parameters)
    {
        var model = BestTrialJson.Only(parameters, TModelHp.SearchSpace);
        var training = BestTrialJson.Only(parameters, TSweepHp.SearchSpace);
        try
        {
            return (TModelHp.FromValues(model).ToValues(), TSweepHp.FromValues(training).ToValues());
        }
        catch (ArgumentException)
        {
            return (model, training);
        }
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

    private sealed record StudyRead(StudySummary? Summary, IReadOnlyList<TrialRecord> Trials, string? Error)
    {
        public bool IsUsageError { get; init; }
    }
}
