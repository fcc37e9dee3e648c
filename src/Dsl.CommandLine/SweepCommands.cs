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
    private readonly StudyCommands studies = new(
        definition.Name, SweepText.MetricName(definition.Metric), TModelHp.SearchSpace.Concat(TSweepHp.SearchSpace), SplitTyped, host);

    /// <summary>What the sweep's own command line says it is.</summary>
    public static string Description(SweepDefinition<TSweepHp> definition) =>
        $"{definition.Name}: a hyperparameter sweep over {typeof(TModel).Name} that {SweepText.Direction(definition.Direction)}s the validation {SweepText.MetricName(definition.Metric)}. " +
        "Studies live in a SQLite file and resume: after a crash or Ctrl-C, rerun the same sweep command to continue.";

    /// <summary>Adds sweep, show, best, export, ensemble, soup and dashboard to <paramref name="parent"/>; returns the sweep command.</summary>
    public Command AddTo(Command parent)
    {
        var sweep = SweepCommand();
        parent.Subcommands.Add(sweep);
        studies.AddTo(parent);
        parent.Subcommands.Add(EnsembleCommand());
        parent.Subcommands.Add(SoupCommand());
        parent.Subcommands.Add(DashboardCommand());
        return sweep;
    }

    private Command SweepCommand()
    {
        var options = new SweepCommandOptions(definition.Name, "--epochs", "The most epochs a trial trains (the pruners' budget).", definition.Epochs, trainsModels: true);
        var command = new Command("sweep", "Run the sweep, or resume its study: trains trials until the study holds --trials of them.");
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sweepOptions = options.Read(parse, host.Progress, () => SweepOptions.Assignment(TModelHp.Default, TSweepHp.Default));
            return await RunSweepAsync(parse, options.StorageText(parse), sweepOptions, cancellationToken);
        });
        return command;
    }

    private async Task<int> RunSweepAsync(ParseResult parse, string storageText, SweepOptions options, CancellationToken cancellationToken)
    {
        if (!TryLoadData(parse, out var data, out var failure)) return failure;
        using (data)
        {
            IStudyStorage storage;
            try
            {
                storage = Dsl.Studies.StudyStorage.Open(storageText);
            }
            catch (Exception e) when (e is ArgumentException or StudyStorageException)
            {
                return host.Fail(e.Message);
            }
            await using var owned = storage;
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
                return await host.EndSweepAsync(lines, report.Files, result.StopReason, result.HasBest, storage, result.Study, result.Trials, "model");
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

    /// <summary>The model's and the training hyperparameters of an assignment, completed with defaults where the records accept it.</summary>
    private static IReadOnlyList<(string Name, IReadOnlyDictionary<string, object> Values)> SplitTyped(IReadOnlyDictionary<string, object> parameters) =>
        [BestTrialJson.TypedGroup<TModelHp>("model", parameters), BestTrialJson.TypedGroup<TSweepHp>("training", parameters)];

    private Command ReadingCommand(string name, string description, Option<string?> storage, Option<string?> study) =>
        StudyCommands.ReadingCommand(name, description, storage, study);

    private Task<StudyCommands.StudyRead> ReadStudyAsync(string? storageText, string? studyName, CancellationToken cancellationToken) =>
        studies.ReadStudyAsync(storageText, studyName, cancellationToken);
}
