using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Dsl.Training;

/// <summary>
/// Shows training progress: live Spectre.Console bars (epoch, batch, loss, samples/s) on an interactive terminal, and
/// one plain line per epoch when output is redirected or runs under CI, so logs stay readable.
/// </summary>
/// <remarks>Pass it to <see cref="Trainer.Fit(TorchSharp.torch.nn.Module{TorchSharp.torch.Tensor, TorchSharp.torch.Tensor}, TensorDataset, TensorDataset?, ITrainingCallback?, CancellationToken)"/> as the callback; it never stops a run.</remarks>
public sealed class ConsoleProgress : ITrainingCallback
{
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter? plain;
    private readonly IAnsiConsole? live;
    private readonly string title;
    private TrainingStart? start;
    private LiveDisplay? display;

    private ConsoleProgress(TextWriter? plain, IAnsiConsole? live, string? title)
    {
        this.plain = plain;
        this.live = live;
        this.title = string.IsNullOrWhiteSpace(title) ? "training" : title;
    }

    /// <summary>Live bars when the console is an interactive terminal, otherwise plain lines on standard output.</summary>
    public static ConsoleProgress Create(string? title = null) =>
        ShouldRenderLive(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CI"), AnsiConsole.Profile.Capabilities.Interactive)
            ? Live(AnsiConsole.Console, title)
            : Plain(Console.Out, title);

    /// <summary>One line per epoch on <paramref name="output"/>, for logs and redirected output.</summary>
    public static ConsoleProgress Plain(TextWriter output, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new ConsoleProgress(output, null, title);
    }

    /// <summary>Live progress bars on <paramref name="console"/>.</summary>
    public static ConsoleProgress Live(IAnsiConsole console, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        return new ConsoleProgress(null, console, title);
    }

    /// <summary>Whether this instance draws live bars rather than plain lines.</summary>
    public bool IsLive => live is not null;

    /// <summary>Live bars only on a terminal: not when output is redirected, not under CI (CI=true or 1), and not when Spectre finds no interactive console.</summary>
    internal static bool ShouldRenderLive(bool outputRedirected, string? ciVariable, bool consoleInteractive) =>
        !outputRedirected
        && !(ciVariable is { Length: > 0 } ci && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0")
        && consoleInteractive;

    /// <inheritdoc />
    public void OnFitStart(TrainingStart start)
    {
        this.start = start;
        var line = $"{title}: {start.TrainSamples} samples" +
                   (start.ValidationSamples > 0 ? $" (+{start.ValidationSamples} validation)" : "") +
                   $", epochs {start.FirstEpoch}..{start.Epochs}, {start.BatchesPerEpoch} batches each, on {start.Device}";
        if (plain is not null)
        {
            plain.WriteLine(line);
            plain.Flush();
        }
        else
        {
            live!.MarkupLine(Markup.Escape(line));
            display = new LiveDisplay(live!, start);
        }
    }

    /// <inheritdoc />
    public void OnBatchEnd(BatchReport report) => display?.Batch(report);

    /// <inheritdoc />
    public EpochDecision OnEpochEnd(EpochReport report)
    {
        if (plain is not null)
        {
            plain.WriteLine(Describe(report, start?.Epochs));
            plain.Flush();
        }
        display?.Epoch(report, Describe(report, start?.Epochs));
        return EpochDecision.Continue;
    }

    /// <inheritdoc />
    public void OnFitEnd(TrainingResult? result)
    {
        display?.Dispose();
        display = null;
        var line = result is null
            ? $"{title}: failed"
            : $"{title}: {result.Outcome} after {result.Epochs.Count} epoch(s)" +
              (result.BestEpoch is { } best ? $", best epoch {best}" + (result.RestoredBestWeights ? " (weights restored)" : "") : "") +
              (result.Message is { } message && result.Outcome != TrainingOutcome.Completed ? $": {message}" : "");
        if (plain is not null)
        {
            plain.WriteLine(line);
            plain.Flush();
        }
        else
        {
            live!.MarkupLine(Markup.Escape(line));
        }
    }

    /// <summary>The one-line summary of an epoch, as plain output prints it.</summary>
    public static string Describe(EpochReport report, int? epochs = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var text = $"epoch {report.Epoch}{(epochs is { } e ? "/" + e.ToString(c) : "")}: loss {report.TrainLoss.ToString("F4", c)}";
        if (report.Validation is { } v)
        {
            text += $", val loss {v.Loss.ToString("F4", c)}";
            if (!double.IsNaN(v.Accuracy)) text += $", val acc {v.Accuracy.ToString("F4", c)}, val F1 {v.MacroF1.ToString("F4", c)}";
        }
        if (report.Sparsity is { } sparsity) text += $", sparsity {(sparsity.Overall * 100).ToString("F1", c)}%";
        return text + $", lr {report.LearningRate.ToString("G3", c)}, {report.SamplesPerSecond.ToString("F0", c)} samples/s, " +
               $"{report.TrainingTime.TotalSeconds.ToString("F1", c)}s";
    }

    /// <summary>Spectre's live progress runs on its own thread until the run ends; the trainer only updates task values.</summary>
    private sealed class LiveDisplay : IDisposable
    {
        private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task rendering;
        private readonly TrainingStart start;
        private readonly Stopwatch sinceRedraw = Stopwatch.StartNew();
        private ProgressTask? epochs;
        private ProgressTask? batches;

        public LiveDisplay(IAnsiConsole console, TrainingStart start)
        {
            this.start = start;
            using var ready = new ManualResetEventSlim();
            rendering = Task.Run(() => console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    epochs = context.AddTask("epochs", maxValue: Math.Max(start.Epochs - start.FirstEpoch + 1, 1));
                    batches = context.AddTask($"epoch {start.FirstEpoch}/{start.Epochs}", maxValue: start.BatchesPerEpoch);
                    ready.Set();
                    await finished.Task.ConfigureAwait(false);
                    context.Refresh();
                }));
            // A failing renderer must not hang training: wait for it to be ready or to have failed.
            WaitHandle.WaitAny([ready.WaitHandle, ((IAsyncResult)rendering).AsyncWaitHandle]);
        }

        public void Batch(BatchReport report)
        {
            if (batches is null) return;
            batches.Value = report.Batch;
            if (sinceRedraw.Elapsed < RedrawInterval && report.Batch != report.BatchesPerEpoch) return;
            sinceRedraw.Restart();
            var c = CultureInfo.InvariantCulture;
            batches.Description = Markup.Escape(
                $"epoch {report.Epoch}/{start.Epochs} batch {report.Batch}/{report.BatchesPerEpoch} loss {report.Loss.ToString("F4", c)} {report.SamplesPerSecond.ToString("F0", c)} samples/s");
        }

        public void Epoch(EpochReport report, string summary)
        {
            if (epochs is null || batches is null) return;
            epochs.Increment(1);
            epochs.Description = Markup.Escape(summary);
            batches.Value = 0;
        }

        public void Dispose()
        {
            finished.TrySetResult();
            try
            {
                rendering.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // A display failure must not replace the training result or its exception.
            }
        }
    }
}
