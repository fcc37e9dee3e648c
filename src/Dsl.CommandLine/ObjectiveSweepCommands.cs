using System.CommandLine;
using Dsl.Reporting;
using Dsl.Search;
using Dsl.Studies;
using Dsl.Sweeps;
using Dsl.Sweeps.Output;

namespace Dsl.CommandLine;

/// <summary>The commands of a sweep of user code: sweep, show, best and export.</summary>
internal sealed class ObjectiveSweepCommands<THp>(ObjectiveDefinition definition, Objective<THp> objective, CommandLineHost host)
    where THp : IHyperparameters<THp>
{
    private readonly StudyCommands studies = new(definition.Name, definition.Metric, THp.SearchSpace, Groups, host);

    /// <summary>What the sweep's own command line says it is.</summary>
    public static string Description(ObjectiveDefinition definition) =>
        $"{definition.Name}: a hyperparameter sweep of user code that {SweepText.Direction(definition.Direction)}s its {definition.Metric}. " +
        "Studies live in a SQLite file and resume: after a crash or Ctrl-C, rerun the same sweep command to continue; several processes running it against one store share its --trials.";

    /// <summary>Adds sweep, show, best and export to <paramref name="parent"/>; returns the sweep command.</summary>
    public Command AddTo(Command parent)
    {
        var options = new SweepCommandOptions(definition.Name, "--steps", "The most steps a trial reports (the pruners' budget).", definition.Steps, trainsModels: false);
        var sweep = new Command("sweep", "Run the sweep, or resume or join its study: runs trials until the study holds --trials of them.");
        options.AddTo(sweep);
        sweep.SetAction((parse, cancellationToken) =>
            RunSweepAsync(options.StorageText(parse), options.Read(parse, host.Progress, () => THp.Default.ToValues()), cancellationToken));
        parent.Subcommands.Add(sweep);
        studies.AddTo(parent);
        return sweep;
    }

    private async Task<int> RunSweepAsync(string storageText, SweepOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await using var storage = Dsl.Studies.StudyStorage.Open(storageText);
            var report = SweepReport.Observer();
            var result = await ObjectiveSweep.RunAsync(
                definition, objective, options with { Storage = storage, Observers = [.. options.Observers, report] }, cancellationToken);
            string[] lines = result.HasBest ? [$"best hyperparameters: {Path.Combine(result.OutputDirectory, BestTrialJson.FileName)}"] : [];
            return await host.EndSweepAsync(lines, report.Files, result.StopReason, result.HasBest, storage, result.Study, result.Trials, "trial");
        }
        catch (Exception e) when (e is ArgumentException or StudyStorageException or IOException or UnauthorizedAccessException)
        {
            return host.Fail(e.Message);
        }
    }

    private static IReadOnlyList<(string Name, IReadOnlyDictionary<string, object> Values)> Groups(IReadOnlyDictionary<string, object> parameters) =>
        [BestTrialJson.TypedGroup<THp>("hyperparameters", parameters)];
}
