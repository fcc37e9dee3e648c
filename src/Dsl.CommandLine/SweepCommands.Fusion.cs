using System.CommandLine;
using System.Globalization;
using Dsl.Checkpoints;
using Dsl.ModelFusion;
using Dsl.ModelFusion.Ensembles;
using Dsl.ModelFusion.Progress;
using Dsl.ModelFusion.Studies;
using Dsl.Reporting;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Sweeps.Output;
using Dsl.Sweeps.Progress;
using Spectre.Console;
using static TorchSharp.torch;

namespace Dsl.CommandLine;

/// <summary>The fusion commands: <c>ensemble</c> and <c>soup</c> over a study's best kept checkpoints, through <see cref="StudyFusion"/>.</summary>
internal sealed partial class SweepCommands<TModel, TModelHp, TSweepHp>
{
    private static readonly string[] EnsembleMethodNames = ["uniform", "weighted", "stacking"];

    private Command EnsembleCommand()
    {
        var (storage, study, top, output) = FusionOptions("ensemble-<method>/");
        var method = CommandLineOptions.Choice("--method",
            "uniform (probabilities averaged), weighted (weights fitted to the validation NLL) or stacking (a logistic-regression meta-learner, cross-fitted).",
            "stacking", EnsembleMethodNames);
        var command = ReadingCommand("ensemble",
            "Fuse the study's top --top complete trials that kept their checkpoints into a prediction ensemble; print each member's and the ensemble's " +
            "validation and test accuracy and inference cost, save the ensemble (load it with Ensemble.Load) and record the result in the study.", storage, study);
        foreach (var option in new Option[] { top, method, output }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var methodValue = Enum.Parse<EnsembleMethod>(parse.GetValue(method)!, ignoreCase: true);
            return await FuseAsync(parse, storage, study, top, output, fineTune: 0, fineTuneEpochs: 1, async (opened, data, options) =>
            {
                using var result = await StudyFusion.EnsembleAsync<TModel, TModelHp, TSweepHp>(opened, definition, data, methodValue, options, cancellationToken);
                return (result.Record, result.SweepDirectory);
            });
        });
        return command;
    }

    private Command SoupCommand()
    {
        var (storage, study, top, output) = FusionOptions("soup.pt, fine-tuned-soup.pt and fine-tune/");
        var fineTune = CommandLineOptions.Integer("--fine-tune",
            "Fine-tune this many variants of the best trial from its checkpoint (sampled learning rate, weight decay, label smoothing, augmentation, seed) " +
            "and soup them with it, instead of souping the top trials. Finished variants are reused when rerun. 0: soup the top trials.", 0, 0);
        var fineTuneEpochs = CommandLineOptions.Integer("--fine-tune-epochs", "Epochs each fine-tuned variant trains.", 2, 1);
        var command = ReadingCommand("soup",
            "Average the weights of the study's top --top complete trials that kept their checkpoints (or, with --fine-tune, of the best trial and its " +
            "fine-tuned variants) into a greedy soup: best first, a model joins only if validation accuracy strictly improves; BatchNorm statistics " +
            "are recomputed on the training data (up to 10,000 samples of it). Prints the table and the steps, saves the soup and records the result in the study. Soups work best " +
            "for models fine-tuned from one initialisation: independent trials usually keep only the best member.",
            storage, study);
        foreach (var option in new Option[] { top, fineTune, fineTuneEpochs, output }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
            await FuseAsync(parse, storage, study, top, output, parse.GetValue(fineTune), parse.GetValue(fineTuneEpochs), async (opened, data, options) =>
            {
                using var result = await StudyFusion.SoupAsync<TModel, TModelHp, TSweepHp>(opened, definition, data, options, cancellationToken);
                return (result.Record, result.SweepDirectory);
            }));
        return command;
    }

    private (Option<string?> Storage, Option<string?> Study, Option<int> Top, Option<string?> Output) FusionOptions(string writes) => (
        CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({definition.Name}.db).", mustExist: true),
        CommandLineOptions.Study(definition.Name),
        CommandLineOptions.Integer("--top", "How many of the best complete trials with a kept checkpoint to fuse.", 5, 1),
        CommandLineOptions.Text("--output",
            $"Folder {writes} go in. Default: fusion/ in the sweep's output folder (runs/{definition.Name}/fusion).", "dir"));

    /// <summary>
    /// What ensemble and soup share: checks the study, loads the data, lets <paramref name="fuse"/> fuse through
    /// <see cref="StudyFusion"/> with the study opened for writing (the result is recorded in it), then prints the table,
    /// the fusion's lines and whether it beat the best single model, and rewrites the sweep's report with its Fusion section.
    /// </summary>
    private async Task<int> FuseAsync(ParseResult parse, Option<string?> storage, Option<string?> study, Option<int> top, Option<string?> output,
        int fineTune, int fineTuneEpochs, Func<IStudyStorage, SweepData, StudyFusionOptions, Task<(FusionRecord Record, string? SweepDirectory)>> fuse)
    {
        var studyName = parse.GetValue(study) ?? definition.Name;
        var storageText = parse.GetValue(storage) ?? studyName + ".db";
        // The read-only look first: a missing study or too few checkpoints fail before the data is loaded.
        var read = await ReadStudyAsync(storageText, studyName, CancellationToken.None);
        if (read.Error is { } error) return read.IsUsageError ? host.UsageError(error, parse) : host.Fail(error);
        var kept = read.Trials.Count(t => t.State == Search.Trials.TrialState.Complete
                                          && t.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) && File.Exists(path));
        var needed = fineTune > 0 ? 1 : 2;
        if (kept < needed)
            return host.Fail(
                $"study '{read.Summary!.Name}' has {kept} complete trial(s) with a kept checkpoint, but fusing needs at least {needed}; " +
                "run the sweep with --keep-checkpoints <n> or --keep-checkpoints all to keep more.");
        if (!TryLoadData(parse, out var data, out var failure)) return failure;

        var options = new StudyFusionOptions
        {
            Study = studyName,
            Top = parse.GetValue(top),
            FineTune = fineTune,
            FineTuneEpochs = fineTuneEpochs,
            OutputDirectory = parse.GetValue(output),
            Progress = host.Progress is LiveSweepProgress ? FusionProgress.Live(host.Console) : FusionProgress.Plain(host.Output),
        };
        using (data)
        {
            try
            {
                await using var opened = Dsl.Studies.StudyStorage.Open(storageText);
                var (record, sweepDirectory) = await fuse(opened, data, options);
                host.Console.Write(FusionTable(record, data.Test is not null));
                foreach (var line in record.Notes) await host.Output.WriteLineAsync(line);
                if (FusionRecord.Verdict([record]) is { } verdict) await host.Output.WriteLineAsync(verdict);
                if (sweepDirectory is not null)
                {
                    var fusions = FusionRecord.FromAttributes(await opened.GetStudyAttributesAsync(studyName, CancellationToken.None));
                    var trials = await opened.GetTrialsAsync(studyName, CancellationToken.None);
                    var files = SweepReport.Write(sweepDirectory, studyName, trials, TModelHp.SearchSpace.Concat(TSweepHp.SearchSpace), read.Summary!.Direction,
                        SweepText.MetricName(definition.Metric), fusions);
                    await host.Output.WriteLineAsync($"report: {files.Markdown}");
                }
                await host.Output.FlushAsync(CancellationToken.None);
                return 0;
            }
            catch (OperationCanceledException)
            {
                host.Fail("interrupted; finished fine-tuned variants are kept, and the same command resumes from them.");
                return SweepCommandLine.InterruptedExitCode;
            }
            catch (Exception e) when (e is FusionException or CheckpointException or StudyStorageException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                return host.Fail(e.Message);
            }
        }
    }

    /// <summary>The fusion's table: a row per member, then the fusion's, with validation and test accuracy and inference cost.</summary>
    private Table FusionTable(FusionRecord record, bool test)
    {
        var table = new Table();
        if (host.Progress is not LiveSweepProgress) table.Border(TableBorder.Ascii);
        table.AddColumn("model");
        table.AddColumn(new TableColumn("trial").RightAligned());
        table.AddColumn(new TableColumn("validation accuracy").RightAligned());
        if (test) table.AddColumn(new TableColumn("test accuracy").RightAligned());
        table.AddColumn(new TableColumn("inference cost").RightAligned());
        foreach (var score in record.Members.Append(record.Fusion))
        {
            var cells = new List<string>
            {
                score.Name,
                string.Join("+", score.Trials.Select(t => t.ToString(CultureInfo.InvariantCulture))),
                SweepText.Value(score.ValidationAccuracy),
            };
            if (test) cells.Add(SweepText.Value(score.TestAccuracy));
            cells.Add(score.InferenceCost.ToString("0.0", CultureInfo.InvariantCulture));
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        return table;
    }
}
