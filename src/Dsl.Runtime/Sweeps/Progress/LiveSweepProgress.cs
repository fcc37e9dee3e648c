using System.Globalization;
using Dsl.Search.Trials;
using Spectre.Console;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps.Progress;

/// <summary>
/// Sweep progress on an interactive terminal: a bar for the study's trials (with the best so far) and one per job (its
/// trial and epoch), a line above the bars for every finished trial, and the leaderboard once the bars are gone.
/// </summary>
/// <remarks>Spectre's progress display renders on its own thread; the training threads only update task values and descriptions.</remarks>
internal sealed class LiveSweepProgress(IAnsiConsole console) : ISweepObserver
{
    private readonly Lock gate = new();
    private TaskCompletionSource? finished;
    private Task? rendering;
    private ProgressTask? trials;
    private ProgressTask[] jobs = [];
    private string metric = "value";
    private string best = "no complete trial yet";

    public void SweepStarted(SweepStart start)
    {
        lock (gate)
        {
            metric = start.Metric;
            console.MarkupLine(Markup.Escape(
                $"sweep {start.Study}: {start.Trials} trials to {SweepText.Direction(start.Direction)} {start.Metric}, " +
                $"{start.Jobs} job{(start.Jobs == 1 ? "" : "s")}, sampler {start.Sampler}, pruner {start.Pruner}, storage {start.Storage}"));
            foreach (var recovered in start.Recovered)
                console.MarkupLine(Markup.Escape($"recovered trial {recovered.Number}: {SweepText.FirstLine(recovered.Error)}" +
                                                 (recovered.RetriedAs is { } retry ? $"; retrying it as trial {retry}" : "")));

            finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var done = finished;
            using var ready = new ManualResetEventSlim();
            rendering = Task.Run(() => console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = BarWidth }, new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    trials = context.AddTask(Fit(TrialsText(start.Counted, start.Trials)), maxValue: start.Trials);
                    trials.Value = Math.Min(start.Counted, start.Trials);
                    jobs = Enumerable.Range(0, start.Jobs)
                        .Select(j => context.AddTask(Fit($"job {j + 1}: waiting"), maxValue: Math.Max(start.Epochs, 1)))
                        .ToArray();
                    ready.Set();
                    await done.Task.ConfigureAwait(false);
                    context.Refresh();
                }));
            // A failing renderer must not hang the sweep: wait until it is ready or has failed.
            WaitHandle.WaitAny([ready.WaitHandle, ((IAsyncResult)rendering).AsyncWaitHandle]);
        }
    }

    public void TrialStarted(TrialStart trial)
    {
        lock (gate)
        {
            if (trial.Job >= jobs.Length) return;
            var task = jobs[trial.Job];
            task.MaxValue = Math.Max(trial.Epochs, 1);
            task.Value = 0;
            task.Description = Fit($"job {trial.Job + 1}: trial {trial.Number} [{trial.Index}/{trial.Total}] {SweepText.Parameters(trial.Parameters)}");
        }
    }

    public void EpochEnded(TrialEpoch epoch)
    {
        lock (gate)
        {
            if (epoch.Job >= jobs.Length) return;
            var task = jobs[epoch.Job];
            task.Value = epoch.Epoch;
            task.Description = Fit(
                $"job {epoch.Job + 1}: trial {epoch.Number} epoch {epoch.Epoch}/{epoch.Epochs} {metric} {SweepText.Value(epoch.Value)}" +
                // A sweep of user code has no training loss to show.
                (double.IsNaN(epoch.TrainLoss) ? "" : $" loss {epoch.TrainLoss.ToString("F4", CultureInfo.InvariantCulture)}"));
        }
    }

    public void TrialEnded(TrialEnd trial)
    {
        lock (gate)
        {
            if (trial.BestNumber is { } number) best = $"best {SweepText.Value(trial.BestValue)} (trial {number})";
            if (trials is not null)
            {
                trials.Increment(1);
                trials.Description = Fit(TrialsText((int)trials.Value, (int)trials.MaxValue));
            }
            if (trial.Job < jobs.Length) jobs[trial.Job].Description = Fit($"job {trial.Job + 1}: waiting");
            var line = Markup.Escape(PlainSweepProgress.Describe(trial, metric));
            console.MarkupLine(trial.IsNewBest ? $"[green]{line}[/]" : trial.State == TrialState.Failed ? $"[red]{line}[/]" : line);
        }
    }

    public void Warning(string message)
    {
        lock (gate) console.MarkupLine($"[yellow]{Markup.Escape("warning: " + message)}[/]");
    }

    public void SweepEnded(SweepEnd end)
    {
        lock (gate)
        {
            finished?.TrySetResult();
            try
            {
                rendering?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // A display failure must not hide the sweep's results.
            }
            finished = null;
            rendering = null;
            trials = null;
            jobs = [];

            console.MarkupLine(Markup.Escape(PlainSweepProgress.Summary(end)));
            if (end.Best is not null)
            {
                console.Write(SweepTables.Leaderboard(end.Trials, end.Direction, end.Metric, SweepProgress.LeaderboardSize));
                console.MarkupLine(Markup.Escape($"best trial {end.Best.Number}: {end.Metric} {SweepText.Value(end.Best.Value)}; {SweepText.Parameters(end.Best.Parameters)}"));
            }
            console.MarkupLine(Markup.Escape($"output: {end.OutputDirectory}"));
        }
    }

    private string TrialsText(int done, int total) => $"trials {Math.Min(done, total)}/{total}, {best}";

    /// <summary>Cuts a description to one line: a wrapped description breaks the bars' layout on every redraw.</summary>
    private string Fit(string text)
    {
        // The bar, percentage, elapsed time and the gaps between columns take about this much.
        var room = Math.Max(24, console.Profile.Width - BarWidth - 20);
        return Markup.Escape(text.Length <= room ? text : text[..(room - 1)] + "…");
    }

    private const int BarWidth = 24;
}
