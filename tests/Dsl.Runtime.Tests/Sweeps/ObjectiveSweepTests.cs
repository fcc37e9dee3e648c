using System.Collections.Concurrent;
using Dsl.CommandLine;
using Dsl.Search.Pruning;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>A sweep of user code, as [Sweep] without a model declares it: a bowl whose minimum is at (2, -3).</summary>
[Dsl.Sweep(Steps = 8)]
public partial class Bowl
{
    [Dsl.Hyperparameter(-10.0, 10.0, Default = 0.0)]
    public partial double X { get; }

    [Dsl.Hyperparameter(-10.0, 10.0, Default = 0.0)]
    public partial double Y { get; }

    /// <summary>The bowl's value, approached step by step as 1/step above it, so every step's report is a fair preview.</summary>
    public async Task<double> ObjectiveAsync(ObjectiveTrial trial, CancellationToken cancellationToken)
    {
        var value = Value(X, Y);
        for (var step = 1; step <= trial.Steps; step++)
        {
            await trial.ReportAsync(step, value + 1.0 / step, cancellationToken);
            if (trial.ShouldPrune()) throw new TrialPrunedException();
        }
        return value;
    }

    public static double Value(double x, double y) => (x - 2) * (x - 2) + (y + 3) * (y + 3);
}

/// <summary>Sweeps of user code: samplers, pruners, failures, cancellation and shared studies, as for model sweeps.</summary>
public sealed class ObjectiveSweepTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private SweepOptions Options(int trials, ISampler? sampler = null) => new()
    {
        Trials = trials,
        Sampler = sampler,
        Progress = SweepProgress.None,
        OutputDirectory = folder.File("runs"),
    };

    [Fact]
    public async Task Tpe_finds_a_better_minimum_of_a_user_objective_than_random_search()
    {
        double tpe = 0, random = 0;
        for (var seed = 0; seed < 3; seed++)
        {
            tpe += (await Bowl.RunAsync(Options(40, Samplers.Tpe(seed)))).Best.Value;
            random += (await Bowl.RunAsync(Options(40, Samplers.Random(seed)))).Best.Value;
        }
        Assert.True(tpe < random, $"TPE's mean best {tpe / 3} should beat random search's {random / 3}.");
    }

    [Fact]
    public async Task The_typed_best_and_best_json_hold_the_hyperparameters_of_the_best_trial()
    {
        var result = await Bowl.RunAsync(Options(12));

        Assert.Equal(12, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(Bowl.Value(result.Best.Hyperparameters.X, result.Best.Hyperparameters.Y), result.Best.Value, 12);
        Assert.Equal(8, result.Trials[0].IntermediateValues.Count);
        var json = await File.ReadAllTextAsync(Path.Combine(result.OutputDirectory, "best.json"));
        Assert.Contains("\"hyperparameters\"", json);
        Assert.Contains("\"objective\"", json);
    }

    [Fact]
    public async Task Intermediate_reports_drive_asha_pruning()
    {
        var options = Options(30, Samplers.Random(1)) with { Pruner = Pruners.Asha(maxEpochs: 8) };

        var result = await ObjectiveSweep.RunAsync<Bowl.Hyperparameters>(Bowl.Definition, Bowl.Objective, options);

        var pruned = result.Trials.Where(t => t.State == TrialState.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, t =>
        {
            Assert.InRange(t.IntermediateValues.Count, 1, 7);
            Assert.Equal(t.IntermediateValues[t.IntermediateValues.Keys.Max()], t.Value);
        });
        Assert.Equal(TrialState.Complete, result.Trials.Single(t => t.Number == result.Best.Number).State);
    }

    [Fact]
    public async Task A_throwing_objective_fails_its_trial_and_the_sweep_goes_on()
    {
        Objective<Bowl.Hyperparameters> objective = (hp, trial, _) =>
            trial.Number % 3 == 1 ? throw new InvalidOperationException($"no data for trial {trial.Number}") : Task.FromResult(Bowl.Value(hp.X, hp.Y));

        var result = await ObjectiveSweep.RunAsync(Bowl.Definition, objective, Options(9));

        Assert.Equal(9, result.Trials.Count);
        var failed = result.Trials.Where(t => t.State == TrialState.Failed).ToList();
        Assert.Equal([1, 4, 7], failed.Select(t => t.Number));
        Assert.All(failed, t => Assert.Contains($"no data for trial {t.Number}", t.Error));
        Assert.Equal(6, result.Trials.Count(t => t.State == TrialState.Complete));
    }

    [Fact]
    public async Task A_trial_recovered_as_stale_and_then_interrupted_is_retried_once()
    {
        using var cancel = new CancellationTokenSource();
        await using var storage = StudyStorage.Sqlite(folder.File("lost.db"));
        Objective<Bowl.Hyperparameters> objective = async (hp, trial, token) =>
        {
            if (trial.Number == 1)
            {
                // Another worker takes this trial for dead and queues its retry; then Ctrl-C interrupts it here.
                var study = Assert.Single(await storage.GetStudiesAsync(CancellationToken.None)).Name;
                await storage.RecoverStaleTrialsAsync(study, new StaleTrialPolicy { TreatAllRunningAsStale = true, MaxRetries = 1 }, CancellationToken.None);
                await cancel.CancelAsync();
                await Task.Delay(TimeSpan.FromMinutes(1), token);
            }
            return Bowl.Value(hp.X, hp.Y);
        };

        var result = await ObjectiveSweep.RunAsync(Bowl.Definition, objective, Options(4) with { Storage = storage }, cancel.Token);

        Assert.Equal(SweepStopReason.Cancelled, result.StopReason);
        var retry = Assert.Single(result.Trials, t => t.State == TrialState.Waiting);
        Assert.Equal(result.Trials.Single(t => t.Number == 1).Parameters, retry.Parameters);
    }

    [Fact]
    public async Task Cancellation_interrupts_the_running_objective_and_a_rerun_finishes_the_study()
    {
        var path = folder.File("cancel.db");
        using var cancel = new CancellationTokenSource();
        Objective<Bowl.Hyperparameters> objective = async (hp, trial, token) =>
        {
            if (trial.Number == 2)
            {
                await cancel.CancelAsync();
                await Task.Delay(TimeSpan.FromMinutes(1), token);
            }
            return Bowl.Value(hp.X, hp.Y);
        };

        ObjectiveSweepResult<Bowl.Hyperparameters> first;
        await using (var storage = StudyStorage.Sqlite(path))
            first = await ObjectiveSweep.RunAsync(Bowl.Definition, objective, Options(6) with { Storage = storage }, cancel.Token);

        Assert.Equal(SweepStopReason.Cancelled, first.StopReason);
        Assert.DoesNotContain(first.Trials, t => t.State == TrialState.Running);
        var interrupted = first.Trials.Single(t => t.Number == 2);
        Assert.Equal(TrialState.Failed, interrupted.State);
        Assert.Contains("interrupted by user", interrupted.Error);
        var retry = first.Trials.Single(t => t.State == TrialState.Waiting);
        Assert.Equal(interrupted.Parameters, retry.Parameters);

        ObjectiveSweepResult<Bowl.Hyperparameters> second;
        await using (var storage = StudyStorage.Sqlite(path))
            second = await ObjectiveSweep.RunAsync(Bowl.Definition, Bowl.Objective, Options(6) with { Storage = storage });
        Assert.Equal(SweepStopReason.TrialsReached, second.StopReason);
        Assert.Equal(6, second.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(TrialState.Complete, second.Trials.Single(t => t.Number == retry.Number).State);
    }

    [Fact]
    public async Task Two_runners_on_one_sqlite_file_share_the_trials_as_the_study_total()
    {
        var path = folder.File("shared.db");
        var ran = new ConcurrentBag<(int Number, string Runner)>();
        Objective<Bowl.Hyperparameters> Objective(string runner) => async (hp, trial, token) =>
        {
            ran.Add((trial.Number, runner));
            await Task.Delay(20, token);
            return Bowl.Value(hp.X, hp.Y);
        };

        async Task<ObjectiveSweepResult<Bowl.Hyperparameters>> Run(string runner)
        {
            await using var storage = StudyStorage.Sqlite(path);
            return await ObjectiveSweep.RunAsync(Bowl.Definition, Objective(runner), Options(16) with { Storage = storage, WorkerId = runner, Jobs = 2 });
        }

        var results = await Task.WhenAll(Run("a"), Run("b"));

        await using var reader = StudyStorage.Sqlite(path);
        var trials = await reader.GetTrialsAsync("Bowl");
        Assert.Equal(16, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(16, ran.Count);
        Assert.Equal(16, ran.Select(r => r.Number).Distinct().Count());
        Assert.Contains(ran, r => r.Runner == "a");
        Assert.Contains(ran, r => r.Runner == "b");
        Assert.All(results, r => Assert.Equal(SweepStopReason.TrialsReached, r.StopReason));
    }

    [Fact]
    public async Task The_command_line_runs_shows_and_prints_the_best_of_a_sweep_of_user_code()
    {
        var path = folder.File("cli.db");
        var output = new StringWriter();
        var error = new StringWriter();

        Task<int> Run(params string[] args) => SweepCommandLine.RunAsync(Bowl.Definition, Bowl.Objective, args, output, error);

        Assert.Equal(0, await Run("sweep", "--storage", path, "--trials", "5", "--pruner", "asha", "--output", folder.File("out")));
        Assert.Equal(0, await Run("show", "--storage", path));
        Assert.Contains("study Bowl (minimize objective): 5 trials", output.ToString());
        output.GetStringBuilder().Clear();
        Assert.Equal(0, await Run("best", "--storage", path));
        Assert.Contains("\"hyperparameters\": {", output.ToString());
        Assert.Contains("\"X\":", output.ToString());
        Assert.Equal(0, await Run("export", "--storage", path, "--format", "csv"));
        Assert.Contains("params_X", output.ToString());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task The_help_of_a_sweep_of_user_code_offers_no_checkpoint_options()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, await SweepCommandLine.RunAsync(Bowl.Definition, Bowl.Objective, ["sweep", "--help"], output, error));

        var help = output.ToString();
        Assert.Contains("--steps", help);
        Assert.Contains("Folder for best.json and the report.", help);
        Assert.DoesNotContain("--keep-checkpoints", help);
        Assert.DoesNotContain("--artifacts", help);
        Assert.DoesNotContain("checkpoints", help);
    }
}
