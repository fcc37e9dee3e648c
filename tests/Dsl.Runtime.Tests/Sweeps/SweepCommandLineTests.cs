using System.Text.Json;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.CommandLine;
using Dsl.Sweeps;

namespace Dsl.Runtime.Tests.Sweeps;

[Collection(TorchTrainingCollection.Name)]
public sealed class SweepCommandLineTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("sweep --trials 0", "--trials")]
    [InlineData("sweep --trials many", "--trials")]
    [InlineData("sweep --jobs -1", "--jobs")]
    [InlineData("sweep --sampler bayes", "--sampler")]
    [InlineData("sweep --pruner sometimes", "--pruner")]
    [InlineData("sweep --timeout soon", "--timeout")]
    [InlineData("sweep --storage mysql://db/studies", "--storage")]
    [InlineData("sweep --bogus", "--bogus")]
    [InlineData("export --format xml", "--format")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("", "command is required")]
    public async Task Invalid_arguments_print_one_line_and_exit_with_2(string args, string mentioned)
    {
        var (code, output, error) = await RunAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: ", line);
        Assert.Contains(mentioned, line);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Reading_a_study_file_that_does_not_exist_is_a_usage_error()
    {
        var missing = folder.File("missing.db");
        var (code, _, error) = await RunAsync(["show", "--storage", missing]);
        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        Assert.Contains("does not exist", Assert.Single(Lines(error)));
        Assert.False(File.Exists(missing));

        // The default file, <study>.db in the working directory, is checked the same way.
        (code, _, error) = await RunAsync(["best", "--study", "no-such-study-" + Guid.NewGuid().ToString("N")]);
        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        Assert.Contains(".db' does not exist", Assert.Single(Lines(error)));
    }

    [Fact]
    public async Task Help_lists_the_commands_and_the_sweep_options()
    {
        var (code, root, _) = await RunAsync(["--help"]);
        Assert.Equal(0, code);
        foreach (var command in new[] { "sweep", "show", "best", "export", "dashboard" }) Assert.Contains(command, root);

        var (_, sweep, _) = await RunAsync(["sweep", "--help"]);
        foreach (var option in new[] { "--trials", "--timeout", "--sampler", "--pruner", "--storage", "--study", "--seed", "--jobs", "--epochs", "--output" })
            Assert.Contains(option, sweep);
        Assert.Contains("tpe", sweep);
    }

    [Fact]
    public async Task Sweep_then_show_best_and_export_a_finished_study()
    {
        var db = folder.File("cli.db");
        var output = folder.File("runs");

        var (code, log, error) = await RunAsync(["sweep", "--trials", "3", "--epochs", "1", "--storage", db, "--output", output, "--seed", "3", "--sampler", "random"]);
        Assert.True(code == 0, error);
        Assert.Contains("trial 2 [3/3] started", log);
        Assert.Contains("best hyperparameters: " + Path.Combine(output, "best.json"), log);
        Assert.Contains($"report: {Path.Combine(output, "report.md")} (and report.html beside it, for a browser)", log);
        Assert.True(File.Exists(Path.Combine(output, "report.html")));

        var (showCode, show, _) = await RunAsync(["show", "--storage", db]);
        Assert.Equal(0, showCode);
        Assert.Contains("study TinySweep (maximize accuracy): 3 trials (3 complete)", show);
        Assert.Contains("LearningRate", show);

        var (bestCode, best, _) = await RunAsync(["best", "--storage", db]);
        Assert.Equal(0, bestCode);
        var json = JsonDocument.Parse(best).RootElement;
        await using (var storage = StudyStorage.Sqlite(db))
            Assert.Equal((await storage.GetBestTrialAsync("TinySweep"))!.Number, json.GetProperty("trial").GetInt32());
        Assert.True(json.GetProperty("model").TryGetProperty("Hidden", out _));
        Assert.Contains(json.GetProperty("training").GetProperty("Optimizer").GetString(), new[] { "Adam", "Sgd" });

        var csvPath = folder.File("trials.csv");
        var (csvCode, csvLog, _) = await RunAsync(["export", "--storage", db, "--output", csvPath]);
        Assert.Equal(0, csvCode);
        Assert.Contains("wrote 3 trials", csvLog);
        var csv = File.ReadAllLines(csvPath);
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("number,state,value,", csv[0]);
        Assert.Contains("params_Hidden", csv[0]);
        Assert.Contains("params_LearningRate", csv[0]);
        Assert.All(csv.Skip(1), row => Assert.Contains(",complete,", row));

        var (jsonCode, exported, _) = await RunAsync(["export", "--storage", db, "--format", "json"]);
        Assert.Equal(0, jsonCode);
        var trials = JsonDocument.Parse(exported).RootElement.GetProperty("trials");
        Assert.Equal(3, trials.GetArrayLength());
        Assert.Single(trials[0].GetProperty("intermediate_values").EnumerateObject());
    }

    [Fact]
    public async Task Enqueue_defaults_trains_the_declared_defaults_first_and_once()
    {
        var db = folder.File("warm.db");
        string[] args = ["sweep", "--trials", "2", "--epochs", "1", "--storage", db, "--output", folder.File("runs"), "--sampler", "random", "--enqueue-defaults"];

        var (code, _, error) = await RunAsync(args);
        Assert.True(code == 0, error);
        args[2] = "3";
        (code, _, error) = await RunAsync(args);
        Assert.True(code == 0, error);

        await using var storage = StudyStorage.Sqlite(db);
        var trials = await storage.GetTrialsAsync("TinySweep");
        Assert.Equal(3, trials.Count);
        Assert.Equal(8L, trials[0].Parameters["Hidden"]);
        Assert.Equal(0.05, trials[0].Parameters["LearningRate"]);
        Assert.Single(trials, t => (long)t.Parameters["Hidden"] == 8 && (double)t.Parameters["LearningRate"] == 0.05);
    }

    [Fact]
    public async Task A_missing_study_in_an_existing_file_fails_with_exit_code_1()
    {
        var db = folder.File("other.db");
        await using (var storage = StudyStorage.Sqlite(db))
            await storage.CreateOrOpenStudyAsync(new StudyDefinition("other", StudyDirection.Minimize));

        var (code, _, error) = await RunAsync(["best", "--storage", db]);

        Assert.Equal(SweepCommandLine.FailureExitCode, code);
        var line = Assert.Single(Lines(error));
        Assert.Contains("no study 'TinySweep'", line);
        Assert.Contains("'other'", line);
    }

    [Fact]
    public async Task A_sweep_whose_trials_all_fail_exits_1_with_one_line_saying_why()
    {
        var failing = SweepKit.Definition(configure: (_, _) => throw new InvalidOperationException("no such optimizer.\nstack trace"));
        string[] args = ["sweep", "--trials", "3", "--epochs", "1", "--storage", "memory", "--output", folder.File("runs"), "--sampler", "random"];

        var (code, output, error) = await RunAsync(args, failing);

        Assert.Equal(SweepCommandLine.FailureExitCode, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: the sweep has no best model: all 3 trials failed; the first error: ", line);
        Assert.EndsWith("no such optimizer.", line);
        // An in-memory study is gone once the process exits: nothing to show afterwards.
        Assert.DoesNotContain("show", output + error);
    }

    [Fact]
    public async Task A_failed_sweep_with_a_study_file_says_how_to_see_its_trials()
    {
        var db = folder.File("failed.db");
        var failing = SweepKit.Definition(configure: (_, _) => throw new InvalidOperationException("boom"));

        var (code, _, error) = await RunAsync(["sweep", "--trials", "2", "--epochs", "1", "--storage", db, "--output", folder.File("runs")], failing);

        Assert.Equal(SweepCommandLine.FailureExitCode, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: the sweep has no best model: all 2 trials failed; the first error: ", line);
        Assert.Contains("boom. See every trial with: ", line);
        Assert.EndsWith($"show --storage {db} --study TinySweep", line);
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args, SweepDefinition<TinyTraining>? definition = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SweepCommandLine.RunAsync<SweepNet, SweepNet.Hyperparameters, TinyTraining>(
            definition ?? SweepKit.Definition(), args, () => SweepKit.Data(), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
