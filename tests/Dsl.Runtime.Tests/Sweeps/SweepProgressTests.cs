using Dsl.Runtime.Tests.Training;
using Dsl.Search.Trials;
using Dsl.Sweeps;
using Spectre.Console;

namespace Dsl.Runtime.Tests.Sweeps;

[Collection(TorchTrainingCollection.Name)]
public sealed class SweepProgressTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Redirected_output_gets_plain_lines_and_an_ascii_leaderboard()
    {
        using var data = SweepKit.Data();
        using var output = new StringWriter();

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 2) with { Progress = SweepProgress.Plain(output) });

        var lines = output.ToString().Split(Environment.NewLine);
        Assert.StartsWith("sweep TinySweep: 2 trials to maximize accuracy, 1 job, up to 2 epochs, sampler TpeSampler, pruner none, storage in memory", lines[0]);
        Assert.Matches(@"^trial 0 \[1/2\] started: Hidden=\d+, LearningRate=[\d.e-]+, Optimizer=(Adam|Sgd)", lines[1]);
        Assert.Matches(@"^trial 0 epoch 1/2: accuracy \d\.\d{4}, train loss \d+\.\d{4}$", lines[2]);
        Assert.Matches(@"^trial 0 epoch 2/2: accuracy ", lines[3]);
        Assert.Matches(@"^trial 0 complete: accuracy \d\.\d{4} after 2 epochs in [\d.]+s; best \d\.\d{4} \(trial 0, new best\)$", lines[4]);
        Assert.StartsWith("trial 1 [2/2] started: ", lines[5]);
        Assert.Contains(lines, l => l.StartsWith("sweep TinySweep stopped after ", StringComparison.Ordinal) && l.EndsWith("(all trials done): 2 complete", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("| rank |", StringComparison.Ordinal) && l.Contains("accuracy", StringComparison.Ordinal));
        Assert.Contains($"best trial {result.Best.Number}: accuracy {result.Best.Value:F4}; ", output.ToString());
        Assert.Contains($"output: {folder.Path}", lines);
        // Plain means plain: no ANSI escapes and no box-drawing characters in logs.
        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.DoesNotContain('│', output.ToString());
    }

    [Fact]
    public async Task The_live_display_runs_a_parallel_sweep_and_ends_with_the_leaderboard()
    {
        using var data = SweepKit.Data();
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Interactive = InteractionSupport.Yes,
        });

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 4) with { Progress = SweepProgress.Live(console), Jobs = 2 });

        var text = output.ToString();
        Assert.Contains("sweep TinySweep: 4 trials to maximize accuracy, 2 jobs", text);
        Assert.Contains($"trial {result.Best.Number} complete: accuracy {result.Best.Value:F4}", text);
        Assert.Contains("Top 4 of 4 trials by accuracy (maximize)", text);
        Assert.Contains("(all trials done): 4 complete", text);
    }

    [Fact]
    public async Task A_checkpoint_the_sweep_cannot_write_is_a_warning_on_the_console_not_a_failed_trial()
    {
        using var data = SweepKit.Data();
        using var output = new StringWriter();
        // A file where the checkpoint folder should be: every save fails with an IOException, as on a full or broken disk.
        var blocked = folder.File("not-a-folder");
        File.WriteAllText(blocked, "");

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 1) with
        {
            Progress = SweepProgress.Plain(output),
            Artifacts = new Dsl.Studies.Artifacts.FolderArtifactStore(blocked),
        });

        Assert.Equal(TrialState.Complete, Assert.Single(result.Trials).State);
        var warning = Assert.Single(output.ToString().Split(Environment.NewLine), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Contains("Could not save the checkpoint of trial 0", warning);
    }

    [Fact]
    public async Task A_throwing_reporter_does_not_fail_the_sweep()
    {
        using var data = SweepKit.Data();

        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 2) with { Progress = new ThrowingProgress() });

        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    private sealed class ThrowingProgress : ISweepObserver
    {
        public void EpochEnded(TrialEpoch epoch) => throw new InvalidOperationException("display broke");

        public void TrialEnded(TrialEnd trial) => throw new InvalidOperationException("display broke");
    }
}
