using System.CommandLine;
using Dsl.Dashboard;
using Dsl.Studies;

namespace Dsl.CommandLine;

/// <summary>The <c>dashboard</c> command: the live browser view of a store's studies.</summary>
internal sealed partial class SweepCommands<TModel, TModelHp, TSweepHp>
{
    private Command DashboardCommand()
    {
        var storage = CommandLineOptions.Storage(
            $"The study store to show (read-only): a SQLite file path, a sqlite:///path URL or a postgresql:// URL. Default: {definition.Name}.db in the current directory.", mustExist: true);
        var port = CommandLineOptions.Integer("--port", "The port to listen on; 0 picks a free one.", 8080, 0);
        port.Validators.Add(result =>
        {
            // Reads the token itself: a value the parser already refused has no value to get.
            if (result.Tokens.Count > 0 && int.TryParse(result.Tokens[^1].Value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 65535)
                result.AddError($"--port expects a port from 0 to 65535, but got {value}.");
        });
        var address = CommandLineOptions.Text("--host",
            "The address to listen on. Default: 127.0.0.1, this machine only; any other address (0.0.0.0 for every one) needs an access token.", "address");
        var token = CommandLineOptions.Text("--token",
            "The access token browsers must present once (?token=…). Default: none on 127.0.0.1, a random one printed at start elsewhere.", "token");
        var artifacts = CommandLineOptions.Text("--artifacts",
            "The folder holding each study's output folder, from which checkpoints may be downloaded. Default: for each study, the folder its trials' checkpoints were written to, else runs beside the store file.", "dir");
        var command = new Command("dashboard", "Serve a live, read-only dashboard of the store's studies in the browser: trial tables, charts, checkpoints.");
        foreach (var option in new Option[] { storage, port, address, token, artifacts })
            command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(storage) ?? definition.Name + ".db";
            if (CommandLineOptions.StorageProblem(text, mustExist: true) is { } problem) return host.UsageError(problem, parse);
            var options = new DashboardOptions
            {
                Port = parse.GetValue(port),
                Host = parse.GetValue(address) ?? "127.0.0.1",
                Token = parse.GetValue(token),
                ArtifactsRoot = parse.GetValue(artifacts),
                Log = host.Output,
            };
            try
            {
                await using var store = StudyStorage.Open(text, readOnly: true);
                await Dashboard.Dashboard.RunAsync(store, options, cancellationToken);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or StudyStorageException or InvalidOperationException)
            {
                return host.Fail($"the dashboard could not start: {e.Message}");
            }
        });
        return command;
    }
}
