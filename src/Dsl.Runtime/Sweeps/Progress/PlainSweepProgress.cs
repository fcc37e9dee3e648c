using System.Globalization;
using Dsl.Search.Trials;
using Dsl.Sweeps.Output;

namespace Dsl.Sweeps.Progress;

/// <summary>Sweep progress as plain lines, for redirected output, CI logs and files; thread-safe, one flushed line per event.</summary>
internal sealed class PlainSweepProgress(TextWriter output, bool epochs) : ISweepObserver
{
    private readonly Lock gate = new();
    private string metric = "value";

    public void SweepStarted(SweepStart start)
    {
        var lines = new List<string>
        {
            $"sweep {start.Study}: {start.Trials} trials to {SweepText.Direction(start.Direction)} {start.Metric}" +
            (start.Counted > 0 ? $" ({start.Counted} already in the study)" : "") +
            $", {start.Jobs} job{(start.Jobs == 1 ? "" : "s")}, up to {start.Epochs} epochs, sampler {start.Sampler}, pruner {start.Pruner}, storage {start.Storage}",
        };
        foreach (var recovered in start.Recovered)
            lines.Add($"recovered trial {recovered.Number}: {SweepText.FirstLine(recovered.Error)}" +
                      (recovered.RetriedAs is { } retry ? $"; retrying it as trial {retry}" : "; not retried"));
        if (start.Enqueued > 0) lines.Add($"enqueued {start.Enqueued} warm-start trial{(start.Enqueued == 1 ? "" : "s")}");
        lock (gate)
        {
            metric = start.Metric;
            Write(lines);
        }
    }

    public void TrialStarted(TrialStart trial)
    {
        var line = $"trial {trial.Number} [{trial.Index}/{trial.Total}] started: {SweepText.Parameters(trial.Parameters)}" +
                   (trial.RetryOf is { } retryOf ? $" (retry of trial {retryOf})" : "");
        lock (gate) Write([line]);
    }

    public void EpochEnded(TrialEpoch epoch)
    {
        if (!epochs) return;
        lock (gate)
            Write([$"trial {epoch.Number} epoch {epoch.Epoch}/{epoch.Epochs}: {metric} {SweepText.Value(epoch.Value)}" +
                  (double.IsNaN(epoch.TrainLoss) ? "" : $", train loss {epoch.TrainLoss.ToString("F4", CultureInfo.InvariantCulture)}")]);
    }

    public void TrialEnded(TrialEnd trial)
    {
        lock (gate) Write([Describe(trial, metric)]);
    }

    public void Warning(string message)
    {
        lock (gate) Write([$"warning: {message}"]);
    }

    public void SweepEnded(SweepEnd end)
    {
        lock (gate)
        {
            Write([Summary(end)]);
            if (end.Best is not null)
            {
                var console = SweepTables.PlainConsole(output);
                console.Write(SweepTables.Leaderboard(end.Trials, end.Direction, end.Metric, SweepProgress.LeaderboardSize, ascii: true));
                Write([$"best trial {end.Best.Number}: {end.Metric} {SweepText.Value(end.Best.Value)}; {SweepText.Parameters(end.Best.Parameters)}"]);
            }
            Write([$"output: {end.OutputDirectory}"]);
        }
    }

    /// <summary>The line for a finished trial, shared with the live display.</summary>
    internal static string Describe(TrialEnd trial, string metric)
    {
        var what = trial.State switch
        {
            TrialState.Complete => $"trial {trial.Number} complete: {metric} {SweepText.Value(trial.Value)} after {trial.EpochsTrained} epoch{(trial.EpochsTrained == 1 ? "" : "s")}",
            TrialState.Pruned => $"trial {trial.Number} pruned after epoch {trial.EpochsTrained}: {metric} {SweepText.Value(trial.Value)}",
            _ => $"trial {trial.Number} failed after {trial.EpochsTrained} epoch{(trial.EpochsTrained == 1 ? "" : "s")}: {SweepText.FirstLine(trial.Error)}",
        };
        var retry = trial.RetriedAs is { } retriedAs ? $"; will retry as trial {retriedAs}" : "";
        var best = trial.BestNumber is { } number
            ? $"; best {SweepText.Value(trial.BestValue)} (trial {number}{(trial.IsNewBest ? ", new best" : "")})"
            : "";
        return $"{what} in {SweepText.Duration(trial.Duration)}{retry}{best}";
    }

    /// <summary>The line that ends a sweep, shared with the live display.</summary>
    internal static string Summary(SweepEnd end)
    {
        var counts = end.Trials.GroupBy(t => t.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {SweepText.State(g.Key)}");
        var reason = end.Reason switch
        {
            SweepStopReason.TrialsReached => "all trials done",
            SweepStopReason.Timeout => "time budget spent",
            SweepStopReason.Cancelled => "cancelled; rerun the same command to resume",
            SweepStopReason.SamplerExhausted => "the sampler has no assignments left",
            _ => "failed: " + SweepText.FirstLine(end.Error),
        };
        return $"sweep {end.Study} stopped after {SweepText.Duration(end.Elapsed)} ({reason}): {string.Join(", ", counts)}";
    }

    private void Write(IEnumerable<string> lines)
    {
        foreach (var line in lines) output.WriteLine(line);
        output.Flush();
    }
}
