using System.Diagnostics;
using System.Text.Json;
using Dsl.Runtime.Tests.Training;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps.Output;
using Dsl.Training;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>
/// <c>export --format optuna-journal</c>: the file is loaded by Debian's Optuna (3.1), whose trials must match the store's
/// in number, state, parameters, values, intermediate values and best value.
/// </summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class OptunaJournalExportTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [OptunaFact]
    public async Task A_real_sweep_exported_as_a_journal_loads_in_optuna_with_the_same_trials()
    {
        var db = folder.File("sweep.db");
        var (code, _, error) = await RunAsync(["sweep", "--trials", "5", "--epochs", "3", "--storage", db, "--output", folder.File("runs"), "--seed", "4", "--sampler", "random"]);
        Assert.True(code == 0, error);
        await using (var storage = StudyStorage.Sqlite(db))
            await storage.SetStudyAttributeAsync("TinySweep", "soup", "{\"accuracy\": 0.9}");
        var journal = folder.File("study.log");

        (code, var log, error) = await RunAsync(["export", "--storage", db, "--format", "optuna-journal", "--output", journal]);

        Assert.True(code == 0, error);
        Assert.Contains("wrote 5 trials of study TinySweep", log);
        Assert.Contains("(optuna-journal)", log);
        List<TrialRecord> trials;
        await using (var storage = StudyStorage.Sqlite(db))
            trials = (await storage.GetTrialsAsync("TinySweep")).OrderBy(t => t.Number).ToList();
        var loaded = Optuna.Load(journal, "TinySweep");

        Assert.Equal("MAXIMIZE", loaded.GetProperty("direction").GetString());
        Assert.Equal("accuracy", loaded.GetProperty("system_attrs").GetProperty(OptunaJournal.MetricNamesKey)[0].GetString());
        Assert.Equal("{\"accuracy\": 0.9}", loaded.GetProperty("user_attrs").GetProperty("soup").GetString());
        var exported = loaded.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(trials.Count, exported.Count);
        foreach (var (ours, theirs) in trials.Zip(exported))
        {
            Assert.Equal(ours.Number, theirs.GetProperty("number").GetInt32());
            Assert.Equal("COMPLETE", theirs.GetProperty("state").GetString());
            Assert.Equal(ours.Value!.Value, theirs.GetProperty("value").GetDouble());
            var parameters = theirs.GetProperty("params");
            Assert.Equal(ours.Parameters.Keys.Order(), parameters.EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal((long)ours.Parameters["Hidden"], parameters.GetProperty("Hidden").GetInt64());
            Assert.Equal((long)ours.Parameters["BatchSize"], parameters.GetProperty("BatchSize").GetInt64());
            Assert.Equal((double)ours.Parameters["LearningRate"], parameters.GetProperty("LearningRate").GetDouble());
            Assert.Equal(ours.Parameters["Optimizer"].ToString(), parameters.GetProperty("Optimizer").GetString());
            if (ours.Parameters.TryGetValue("Momentum", out var momentum))
                Assert.Equal((double)momentum, parameters.GetProperty("Momentum").GetDouble());
            var distributions = theirs.GetProperty("distributions");
            Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.001, \"high\": 0.1, \"log\": true}}",
                distributions.GetProperty("LearningRate").GetString());
            Assert.Equal("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"Adam\", \"Sgd\"]}}",
                distributions.GetProperty("Optimizer").GetString());
            Assert.Equal("{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 1, \"low\": 4, \"high\": 16}}",
                distributions.GetProperty("Hidden").GetString());
            Assert.Equal(Curve(ours.IntermediateValues), Curve(theirs.GetProperty("intermediate_values")));
            Assert.Equal(3, ours.IntermediateValues.Count);
            Assert.Equal((ours.FinishedAt!.Value - ours.StartedAt!.Value).TotalSeconds, theirs.GetProperty("duration").GetDouble(), 3);
        }
        var best = SweepText.Ranked(trials, StudyDirection.Maximize).First();
        Assert.Equal(best.Value!.Value, loaded.GetProperty("best_value").GetDouble());
        Assert.Equal(best.Value!.Value, trials[loaded.GetProperty("best_number").GetInt32()].Value);
    }

    [OptunaFact]
    public void Every_state_odd_values_and_undeclared_parameters_load_as_optuna_reads_them()
    {
        var space = new SearchSpace(
        [
            new FloatParameter("lr", 1e-4, 1e-1, 1e-3, Log: true),
            new FloatParameter("dropout", 0, 0.5, 0.1, Step: 0.1),
            new IntParameter("width", 16, 256, 64, Log: true),
            new IntParameter("layers", 1, 9, 3, Step: 2),
            new CategoricalParameter("optimizer", [OptimizerKind.Adam, OptimizerKind.Sgd], 0),
            new CategoricalParameter("nesterov", [false, true], 0) { Condition = new ParameterCondition("optimizer", [OptimizerKind.Sgd]) },
            new CategoricalParameter("act", ["relu", "gelu"], 0),
        ]);
        var start = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        TrialRecord Trial(int number, TrialState state, double? value, Dictionary<string, object> parameters, params double[] curve) =>
            new(number, state, parameters, value, curve.Select((v, i) => (i + 1, v)).ToDictionary(p => p.Item1, p => p.v))
            {
                StartedAt = state == TrialState.Waiting ? null : start.AddMinutes(number),
                FinishedAt = state is TrialState.Waiting or TrialState.Running ? null : start.AddMinutes(number).AddSeconds(42.5),
            };
        Dictionary<string, object> Parameters(double lr, string act, OptimizerKind optimizer = OptimizerKind.Adam) => new()
        {
            ["lr"] = lr, ["dropout"] = 0.2, ["width"] = 32L, ["layers"] = 5L, ["optimizer"] = optimizer, ["act"] = act,
        };
        var sgd = Parameters(0.01, "relu", OptimizerKind.Sgd);
        sgd["nesterov"] = true;
        var undeclared = Parameters(0.02, "gelu");
        undeclared["seed"] = 7L;
        undeclared["note"] = "x";
        var trials = new List<TrialRecord>
        {
            Trial(0, TrialState.Complete, 0.25, Parameters(0.001, "relu"), 0.5, 0.3, 0.25) with
            {
                Attributes = new Dictionary<string, string> { ["accuracy"] = "0.91", [TrialAttributeKeys.Worker] = "host-1" },
            },
            Trial(1, TrialState.Pruned, 0.7, sgd, 0.9, 0.7),
            Trial(2, TrialState.Failed, null, Parameters(0.05, "gelu")) with { Error = "Loss diverged: \"NaN\" <at> epoch 2\n   at Trainer.Fit()" },
            Trial(3, TrialState.Complete, double.NaN, Parameters(0.003, "relu"), double.NaN),
            Trial(4, TrialState.Complete, 0.125, undeclared, 0.2, 0.125),
            // A value outside the declared range: the store kept it, so the export must too.
            Trial(5, TrialState.Complete, 0.5, Parameters(0.5, "swish")),
            Trial(6, TrialState.Running, null, Parameters(0.002, "relu"), 0.6),
            Trial(7, TrialState.Waiting, null, Parameters(0.004, "gelu")),
        };
        var journal = folder.File("odd.log");
        using (var file = File.Create(journal))
            OptunaJournal.Write(file, "odd <study>", StudyDirection.Minimize, "val_loss", space, trials);

        var loaded = Optuna.Load(journal, "odd <study>");

        Assert.Equal("MINIMIZE", loaded.GetProperty("direction").GetString());
        var exported = loaded.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(new[] { "COMPLETE", "PRUNED", "FAIL", "FAIL", "COMPLETE", "COMPLETE", "RUNNING", "WAITING" },
            exported.Select(t => t.GetProperty("state").GetString()));
        Assert.Equal(Enumerable.Range(0, 8), exported.Select(t => t.GetProperty("number").GetInt32()));
        Assert.Equal(new double?[] { 0.25, 0.7, null, null, 0.125, 0.5, null, null },
            exported.Select(t => t.GetProperty("value").ValueKind == JsonValueKind.Null ? (double?)null : t.GetProperty("value").GetDouble()));
        Assert.Equal(0.125, loaded.GetProperty("best_value").GetDouble());
        Assert.Equal(4, loaded.GetProperty("best_number").GetInt32());

        var first = exported[0].GetProperty("params");
        Assert.Equal(0.001, first.GetProperty("lr").GetDouble());
        Assert.Equal(0.2, first.GetProperty("dropout").GetDouble());
        Assert.Equal(32, first.GetProperty("width").GetInt64());
        Assert.Equal(5, first.GetProperty("layers").GetInt64());
        Assert.Equal("Adam", first.GetProperty("optimizer").GetString());
        Assert.False(first.TryGetProperty("nesterov", out _));
        Assert.True(exported[1].GetProperty("params").GetProperty("nesterov").GetBoolean());
        Assert.Equal(7, exported[4].GetProperty("params").GetProperty("seed").GetInt64());
        Assert.Equal("x", exported[4].GetProperty("params").GetProperty("note").GetString());
        Assert.Equal(0.5, exported[5].GetProperty("params").GetProperty("lr").GetDouble());
        Assert.Equal("swish", exported[5].GetProperty("params").GetProperty("act").GetString());
        Assert.Equal(6, exported[7].GetProperty("params").EnumerateObject().Count());

        var distributions = exported[0].GetProperty("distributions");
        Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.1, \"low\": 0.0, \"high\": 0.5, \"log\": false}}", distributions.GetProperty("dropout").GetString());
        Assert.Equal("{\"name\": \"IntDistribution\", \"attributes\": {\"log\": true, \"step\": 1, \"low\": 16, \"high\": 256}}", distributions.GetProperty("width").GetString());
        Assert.Equal("{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 2, \"low\": 1, \"high\": 9}}", distributions.GetProperty("layers").GetString());
        Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0001, \"high\": 0.5, \"log\": true}}", distributions.GetProperty("lr").GetString());
        Assert.Equal("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"relu\", \"gelu\", \"swish\"]}}", distributions.GetProperty("act").GetString());
        Assert.Equal("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [false, true]}}",
            exported[1].GetProperty("distributions").GetProperty("nesterov").GetString());

        Assert.Equal(new Dictionary<string, double?> { ["1"] = 0.5, ["2"] = 0.3, ["3"] = 0.25 }, Curve(exported[0].GetProperty("intermediate_values")));
        Assert.Equal("nan", exported[3].GetProperty("intermediate_values").GetProperty("1").GetString());
        Assert.Equal(new Dictionary<string, double?> { ["1"] = 0.6 }, Curve(exported[6].GetProperty("intermediate_values")));
        Assert.Equal("0.91", exported[0].GetProperty("user_attrs").GetProperty("accuracy").GetString());
        Assert.False(exported[0].GetProperty("user_attrs").TryGetProperty(TrialAttributeKeys.Worker, out _));
        Assert.Equal("host-1", exported[0].GetProperty("system_attrs").GetProperty(TrialAttributeKeys.Worker).GetString());
        Assert.Equal(trials[2].Error, exported[2].GetProperty("system_attrs").GetProperty(OptunaJournal.FailReasonKey).GetString());
        Assert.Equal(42.5, exported[0].GetProperty("duration").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, exported[7].GetProperty("start").ValueKind);
        Assert.Equal(JsonValueKind.Null, exported[6].GetProperty("complete").ValueKind);
    }

    private static Dictionary<string, double?> Curve(IReadOnlyDictionary<int, double> values) =>
        values.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => (double?)p.Value);

    private static Dictionary<string, double?> Curve(JsonElement values) =>
        values.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : (double?)null);

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args) => SweepKit.RunCommandLineAsync(args);
}

/// <summary>Debian's Optuna, run through <c>/usr/bin/python3</c>, reading a journal file back.</summary>
internal static class Optuna
{
    public const string Python = "/usr/bin/python3";

    // Prints the study as Optuna sees it, as JSON; non-finite numbers as strings, since JSON has none.
    private const string Script = """
        import json, math, sys, warnings
        warnings.simplefilter("ignore")
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(sys.argv[1]))
        study = optuna.load_study(study_name=sys.argv[2], storage=storage)
        def num(x):
            return str(x) if isinstance(x, float) and not math.isfinite(x) else x
        def time(t):
            return None if t is None else t.isoformat()
        trials = []
        for t in study.trials:
            trials.append({
                "number": t.number, "state": t.state.name, "value": num(t.value), "params": t.params,
                "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
                "intermediate_values": {str(k): num(v) for k, v in t.intermediate_values.items()},
                "user_attrs": t.user_attrs, "system_attrs": t.system_attrs,
                "start": time(t.datetime_start), "complete": time(t.datetime_complete),
                "duration": None if t.duration is None else t.duration.total_seconds(),
            })
        try:
            best_number, best_value = study.best_trial.number, study.best_value
        except ValueError:
            best_number, best_value = None, None
        print(json.dumps({
            "direction": study.direction.name, "user_attrs": study.user_attrs, "system_attrs": study.system_attrs, "trials": trials,
            "best_number": best_number, "best_value": best_value,
        }))
        """;

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!File.Exists(Python)) return $"{Python} does not exist (CI installs python3-optuna).";
        var (code, _, error) = Run("-c", "import optuna");
        return code == 0 ? null : $"{Python} cannot import optuna (apt-get install python3-optuna): {error.Trim()}";
    });

    /// <summary>Why Optuna cannot run here, or null when it can.</summary>
    public static string? WhyMissing => Missing.Value;

    public static JsonElement Load(string journal, string study)
    {
        var (code, output, error) = Run("-c", Script, journal, study);
        Assert.True(code == 0, $"Optuna could not load the journal:\n{error}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static (int Code, string Output, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            return (-1, output, "timed out after 2 minutes");
        }
        return (process.ExitCode, output, error.Result);
    }
}

/// <summary>A fact that is skipped, not failed, where <c>/usr/bin/python3</c> cannot import Optuna.</summary>
public sealed class OptunaFactAttribute : FactAttribute
{
    public OptunaFactAttribute()
    {
        if (Optuna.WhyMissing is { } reason) Skip = reason;
    }
}
