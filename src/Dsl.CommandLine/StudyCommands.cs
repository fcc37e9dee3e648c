using System.CommandLine;
using System.Globalization;
using System.Text;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps.Output;
using Dsl.Sweeps.Progress;
using Spectre.Console;

namespace Dsl.CommandLine;

/// <summary>The commands that read a sweep's study, model sweep or sweep of user code alike: show, best, export, and copy-study, which copies it to another store.</summary>
/// <param name="sweepName">The sweep's name: the default study name and file.</param>
/// <param name="metric">The objective's name, as the tables and JSON call it.</param>
/// <param name="space">Every searched parameter, for the columns and the typed read-back.</param>
/// <param name="bestGroups">The best trial's hyperparameters in the named groups <c>best</c> prints.</param>
/// <param name="host">Where output and errors go.</param>
internal sealed class StudyCommands(
    string sweepName,
    string metric,
    SearchSpace space,
    Func<IReadOnlyDictionary<string, object>, IReadOnlyList<(string Name, IReadOnlyDictionary<string, object> Values)>> bestGroups,
    CommandLineHost host)
{
    /// <summary>Adds show, best, export and copy-study to <paramref name="parent"/>.</summary>
    public void AddTo(Command parent)
    {
        parent.Subcommands.Add(ShowCommand());
        parent.Subcommands.Add(BestCommand());
        parent.Subcommands.Add(ExportCommand());
        parent.Subcommands.Add(CopyStudyCommand());
    }

    private Command CopyStudyCommand()
    {
        var from = CommandLineOptions.Storage("The store to copy from: a SQLite file path, a sqlite:///path URL or a postgresql:// URL.", mustExist: true, "--from");
        var to = CommandLineOptions.Storage("The store to copy into, created when it is a new SQLite file: a path or a URL.", mustExist: false, "--to");
        from.Required = true;
        to.Required = true;
        var study = CommandLineOptions.Text("--study", "The study to copy. Default: every study in --from.", "name");
        var artifacts = CommandLineOptions.Text("--artifacts",
            "Folder to copy the trials' checkpoints into (<dir>/<study>/<number>/model.pt), pointing the copied trials at them. Default: the copy keeps the paths.", "dir");
        var command = new Command("copy-study", "Copy studies between stores, such as a SQLite file and a PostgreSQL server, with every trial, value and attribute.");
        foreach (var option in new Option[] { from, to, study, artifacts })
            command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var source = Dsl.Studies.StudyStorage.Open(parse.GetValue(from)!, readOnly: true);
                await using var target = Dsl.Studies.StudyStorage.Open(parse.GetValue(to)!);
                var folder = parse.GetValue(artifacts) is { } path ? Path.GetFullPath(path) : null;
                // Each study is reported as soon as it is copied, so that an error on a later one does not hide the earlier ones.
                await StudyCopier.CopyAsync(source, target, parse.GetValue(study), folder, copy =>
                {
                    var checkpoints = folder is null ? "" : $", {copy.CheckpointsCopied} checkpoints into {folder}"
                        + (copy.CheckpointsMissing > 0 ? $" ({copy.CheckpointsMissing} missing, their paths kept)" : "");
                    host.Output.WriteLine($"copied study {copy.Study}: {copy.Trials} trials{checkpoints}, from {source.Location} to {target.Location}");
                    host.Output.Flush();
                }, cancellationToken);
                await host.Output.FlushAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or StudyStorageException or IOException or UnauthorizedAccessException)
            {
                return host.Fail(e.Message);
            }
        });
        return command;
    }

    private Command ShowCommand()
    {
        var storage = CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({sweepName}.db).", mustExist: true);
        var study = CommandLineOptions.Study(sweepName);
        var command = ReadingCommand("show", "Show every trial of a study: state, value, epochs, time, parameters and errors.", storage, study);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var read = await ReadStudyAsync(parse.GetValue(storage), parse.GetValue(study), cancellationToken);
            if (read.Error is { } error) return read.IsUsageError ? host.UsageError(error, parse) : host.Fail(error);
            var (summary, trials) = (read.Summary!, read.Trials);
            var counts = string.Join(", ", trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {SweepText.State(g.Key)}"));
            var best = SweepText.Ranked(trials, summary.Direction).FirstOrDefault();
            host.Console.WriteLine(
                $"study {summary.Name} ({SweepText.Direction(summary.Direction)} {metric}): {trials.Count} trials" +
                (counts.Length > 0 ? $" ({counts})" : "") +
                (best is null ? "; no complete trial yet" : $"; best trial {best.Number}: {metric} {SweepText.Value(best.Value)}"));
            if (trials.Count > 0) host.Console.Write(SweepTables.Trials(trials, metric, space.Select(p => p.Name), ascii: host.Progress is not LiveSweepProgress));
            await host.Output.FlushAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private Command BestCommand()
    {
        var storage = CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({sweepName}.db).", mustExist: true);
        var study = CommandLineOptions.Study(sweepName);
        var command = ReadingCommand("best", "Print a study's best trial as JSON: its value, the model's and the training hyperparameters, and its checkpoint.", storage, study);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var read = await ReadStudyAsync(parse.GetValue(storage), parse.GetValue(study), cancellationToken);
            if (read.Error is { } error) return read.IsUsageError ? host.UsageError(error, parse) : host.Fail(error);
            if (SweepText.Ranked(read.Trials, read.Summary!.Direction).FirstOrDefault() is not { } best)
                return host.Fail($"study '{read.Summary.Name}' has no complete trial yet.");
            await host.Output.WriteLineAsync(BestTrialJson.Write(read.Summary.Name, read.Summary.Direction, metric, best, bestGroups(best.Parameters)));
            await host.Output.FlushAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    private Command ExportCommand()
    {
        var storage = CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({sweepName}.db).", mustExist: true);
        var study = CommandLineOptions.Study(sweepName);
        var format = new Option<string?>("--format")
        {
            Description = "csv (one row per trial, a params_* column per parameter), json (with per-epoch values), or optuna-journal " +
                          "(Optuna's JournalStorage file, which optuna.load_study and optuna-dashboard open). Default: from --output's extension, else csv.",
            HelpName = "csv|json|optuna-journal",
        };
        format.CompletionSources.Add(CommandLineOptions.FormatNames);
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !CommandLineOptions.FormatNames.Contains(value.Trim().ToLowerInvariant()))
                result.AddError($"--format expects csv, json or optuna-journal, but got '{value}'.");
        });
        var output = CommandLineOptions.Text("--output", "The file to write. Default: standard output.", "file");
        var command = ReadingCommand("export", "Export every trial of a study as CSV, JSON or an Optuna journal file.", storage, study);
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
                text = TrialExport.ToJson(read.Summary!.Name, read.Summary.Direction, metric, read.Trials) + Environment.NewLine;
            }
            else if (kind == "optuna-journal")
            {
                text = OptunaJournal.ToText(read.Summary!.Name, read.Summary.Direction, metric, space, read.Trials, read.Attributes);
            }
            else
            {
                using var writer = new StringWriter(CultureInfo.InvariantCulture);
                TrialExport.WriteCsv(writer, read.Trials, space.Select(p => p.Name));
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

    public static Command ReadingCommand(string name, string description, Option<string?> storage, Option<string?> study)
    {
        var command = new Command(name, description);
        command.Options.Add(storage);
        command.Options.Add(study);
        return command;
    }

    public async Task<StudyRead> ReadStudyAsync(string? storageText, string? studyName, CancellationToken cancellationToken)
    {
        var name = studyName ?? sweepName;
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
                // The store's location, not the text: a server's URL may hold a password.
                var where = Dsl.Studies.StudyStorage.IsPostgreSqlUrl(text) ? storage.Location : text;
                return new StudyRead(null, [], studies.Count == 0
                    ? $"'{where}' holds no study yet."
                    : $"'{where}' has no study '{name}'; it holds {string.Join(", ", studies.Select(s => $"'{s.Name}'"))}. Pass --study.");
            }
            try
            {
                // Opening with the space reads enum choices back as enum values; an older space still shows, untyped.
                await storage.CreateOrOpenStudyAsync(new StudyDefinition(name, summary.Direction, space), cancellationToken);
            }
            catch (StudyMismatchException)
            {
            }
            return new StudyRead(summary, await storage.GetTrialsAsync(name, cancellationToken), null)
            {
                Attributes = await storage.GetStudyAttributesAsync(name, cancellationToken),
            };
        }
        catch (Exception e) when (e is StudyStorageException or ArgumentException)
        {
            return new StudyRead(null, [], e.Message);
        }
    }

    public sealed record StudyRead(StudySummary? Summary, IReadOnlyList<TrialRecord> Trials, string? Error)
    {
        public bool IsUsageError { get; init; }

        /// <summary>The study's own attributes (fusion results, notes).</summary>
        public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
    }
}
