using System.CommandLine;
using System.Globalization;
using Dsl.Checkpoints;
using Dsl.ModelFusion;
using Dsl.ModelFusion.Ensembles;
using Dsl.ModelFusion.Soups;
using Dsl.Search.Trials;
using Dsl.Sweeps;
using Dsl.Sweeps.Output;
using Dsl.Sweeps.Progress;
using Dsl.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace Dsl.CommandLine;

/// <summary>The fusion commands: <c>ensemble</c> and <c>soup</c> over a study's best kept checkpoints.</summary>
internal sealed partial class SweepCommands<TModel, TModelHp, TSweepHp>
{
    private static readonly string[] EnsembleMethodNames = ["uniform", "weighted", "stacking"];

    private Command EnsembleCommand()
    {
        var (storage, study, top) = FusionOptions();
        var method = CommandLineOptions.Choice("--method",
            "uniform (probabilities averaged), weighted (weights fitted to the validation NLL) or stacking (a logistic-regression meta-learner, cross-fitted).",
            "stacking", EnsembleMethodNames);
        var output = CommandLineOptions.Text("--output", $"Folder the ensemble-<method> folder goes in. Default: runs/<study> (runs/{definition.Name}).", "dir");
        var command = ReadingCommand("ensemble",
            "Fuse the study's top --top complete trials that kept their checkpoints into a prediction ensemble; print each member's and the ensemble's " +
            "validation and test accuracy and inference cost, and save the ensemble (load it with Ensemble.Load).", storage, study);
        foreach (var option in new Option[] { top, method, output }) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var methodName = parse.GetValue(method)!;
            return await FuseAsync(parse, storage, study, top, output, (members, data, table, folder) =>
            {
                var models = members.Select(m => (nn.Module)m.Model!).ToList();
                var ensemble = methodName switch
                {
                    "uniform" => Ensemble.Uniform(models),
                    "weighted" => Ensemble.FitWeighted(models, data.Validation),
                    _ => Ensemble.FitStacking(models, data.Validation),
                };
                // The ensemble owns the members from here on.
                foreach (var member in members) member.Model = null;
                using (ensemble)
                {
                    table.AddRow(Row($"ensemble ({methodName})", "", Evaluate(ensemble.Module, data), members.Count));
                    var lines = new List<string>();
                    if (ensemble.Validation is { CrossFitted: true } fitted)
                        lines.Add($"cross-fitted validation accuracy of the ensemble: {SweepText.Value(fitted.Accuracy)} ({fitted.Folds} folds; " +
                                  "the table's is measured on the validation data the meta-learner was fitted on)");
                    lines.Add("member weights: " + string.Join(", ", members.Select((m, i) =>
                        $"trial {m.Trial.Number} {ensemble.Weights[i].ToString("0.###", CultureInfo.InvariantCulture)}")));
                    var path = Path.Combine(folder, $"ensemble-{methodName}");
                    ensemble.Save(path);
                    lines.Add($"ensemble: {path}");
                    return lines;
                }
            }, cancellationToken);
        });
        return command;
    }

    private Command SoupCommand()
    {
        var (storage, study, top) = FusionOptions();
        var output = CommandLineOptions.Text("--output", $"Folder soup.pt goes in. Default: runs/<study> (runs/{definition.Name}).", "dir");
        var command = ReadingCommand("soup",
            "Average the weights of the study's top --top complete trials that kept their checkpoints into a greedy soup: best first, a member joins " +
            "only if validation accuracy strictly improves; BatchNorm statistics are recomputed on the training data. Prints the table and the steps, " +
            "and saves soup.pt. Soups work best for models fine-tuned from one initialisation: independent trials usually keep only the best member.",
            storage, study);
        command.Options.Add(top);
        command.Options.Add(output);
        command.SetAction(async (parse, cancellationToken) =>
            await FuseAsync(parse, storage, study, top, output, (members, data, table, folder) =>
            {
                var trainer = new Trainer(new TrainingOptions());
                using var soup = Soup.Greedy(members.Select(m => m.Model!).ToList(),
                    model => trainer.Evaluate(ModelAdapter.FromAny(model), data.Validation).Accuracy,
                    out var report, new SoupOptions { BatchNormData = data.Train });
                table.AddRow(Row("greedy soup", string.Join("+", report.Kept.Select(k => members[k].Trial.Number)), Evaluate(soup, data), 1));
                var lines = report.Steps.Select(step =>
                    $"soup step: trial {members[step.Member].Trial.Number} (validation accuracy {SweepText.Value(step.MemberAccuracy)}): " +
                    $"soup with it {SweepText.Value(step.CandidateAccuracy)}, {(step.Kept ? "kept" : "left out")}").ToList();
                var path = Path.Combine(folder, "soup.pt");
                Checkpoint.Save<TModel, TModelHp>(soup, path, new CheckpointInfo
                {
                    Metrics = new Dictionary<string, double> { ["validation_accuracy"] = report.Accuracy },
                    Normalization = data.Normalization,
                });
                lines.Add($"soup: {path}");
                return lines;
            }, cancellationToken));
        return command;
    }

    private (Option<string?> Storage, Option<string?> Study, Option<int> Top) FusionOptions() => (
        CommandLineOptions.Storage($"The study file. Default: <study>.db in the current directory ({definition.Name}.db).", mustExist: true),
        CommandLineOptions.Study(definition.Name),
        CommandLineOptions.Integer("--top", "How many of the best complete trials with a kept checkpoint to fuse.", 5, 1));

    /// <summary>
    /// What ensemble and soup share: reads the study, loads the members and the data, adds each member's row, lets
    /// <paramref name="fuse"/> add the fusion's row and save it in the output folder, then prints the table and the fusion's lines.
    /// </summary>
    private async Task<int> FuseAsync(ParseResult parse, Option<string?> storage, Option<string?> study, Option<int> top, Option<string?> output,
        Func<IReadOnlyList<FusionMember>, SweepData, Table, string, List<string>> fuse, CancellationToken cancellationToken)
    {
        var read = await ReadStudyAsync(parse.GetValue(storage), parse.GetValue(study), cancellationToken);
        if (read.Error is { } error) return read.IsUsageError ? host.UsageError(error, parse) : host.Fail(error);
        var withCheckpoint = SweepText.Ranked(read.Trials, read.Summary!.Direction)
            .Where(t => t.Attributes.TryGetValue(SweepAttributeKeys.Checkpoint, out var path) && File.Exists(path))
            .ToList();
        if (withCheckpoint.Count < 2)
            return host.Fail(
                $"study '{read.Summary.Name}' has {withCheckpoint.Count} complete trial(s) with a kept checkpoint, but fusing needs at least 2; " +
                "run the sweep with --keep-checkpoints <n> or --keep-checkpoints all to keep more.");
        if (!TryLoadData(parse, out var data, out var failure)) return failure;

        var members = withCheckpoint.Take(parse.GetValue(top)).Select(t => new FusionMember(t)).ToList();
        using (data)
        {
            try
            {
                foreach (var member in members)
                    member.Model = Checkpoint.Load<TModel, TModelHp>(member.Trial.Attributes[SweepAttributeKeys.Checkpoint]);
                var table = FusionTable(data.Test is not null);
                foreach (var member in members)
                    table.AddRow(Row("member", member.Trial.Number.ToString(CultureInfo.InvariantCulture), Evaluate(member.Model!, data), 1));
                var folder = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine("runs", read.Summary.Name));
                var lines = fuse(members, data, table, folder);
                host.Console.Write(table);
                foreach (var line in lines) await host.Output.WriteLineAsync(line);
                await host.Output.FlushAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception e) when (e is FusionException or CheckpointException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                return host.Fail(e.Message);
            }
            finally
            {
                foreach (var member in members) member.Model?.Dispose();
            }
        }
    }

    private Table FusionTable(bool test)
    {
        var table = new Table();
        if (host.Progress is not LiveSweepProgress) table.Border(TableBorder.Ascii);
        table.AddColumn("model");
        table.AddColumn(new TableColumn("trial").RightAligned());
        table.AddColumn(new TableColumn("validation accuracy").RightAligned());
        if (test) table.AddColumn(new TableColumn("test accuracy").RightAligned());
        table.AddColumn(new TableColumn("inference cost").RightAligned());
        return table;
    }

    private static string[] Row(string model, string trial, (Evaluation Validation, Evaluation? Test) scores, int cost)
    {
        var cells = new List<string> { model, trial, SweepText.Value(scores.Validation.Accuracy) };
        if (scores.Test is { } test) cells.Add(SweepText.Value(test.Accuracy));
        cells.Add(cost.ToString("0.0", CultureInfo.InvariantCulture));
        return [.. cells.Select(Markup.Escape)];
    }

    private static (Evaluation Validation, Evaluation? Test) Evaluate(nn.Module model, SweepData data)
    {
        var trainer = new Trainer(new TrainingOptions());
        var adapter = ModelAdapter.FromAny(model);
        return (trainer.Evaluate(adapter, data.Validation), data.Test is null ? null : trainer.Evaluate(adapter, data.Test));
    }

    /// <summary>A trial to fuse and its loaded model, until the fusion takes ownership of it.</summary>
    private sealed class FusionMember(TrialRecord trial)
    {
        public TrialRecord Trial { get; } = trial;

        public TModel? Model { get; set; }
    }
}
