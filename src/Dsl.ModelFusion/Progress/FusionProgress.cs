using System.Diagnostics;
using System.Globalization;
using Dsl.Training;
using Spectre.Console;

namespace Dsl.ModelFusion.Progress;

/// <summary>
/// Shows a fusion's long steps (evaluating members, fitting, fine-tuning epochs, the greedy soup's candidates): a live Spectre bar
/// per step on an interactive terminal, one plain line per step and per unit of work when output is redirected.
/// </summary>
public abstract class FusionProgress
{
    /// <summary>Shows nothing.</summary>
    public static FusionProgress None { get; } = new Silent();

    /// <summary>Live bars when the console is an interactive terminal (and not CI), plain lines on standard output otherwise.</summary>
    public static FusionProgress Console() =>
        ConsoleProgress.ShouldRenderLive(System.Console.IsOutputRedirected, Environment.GetEnvironmentVariable("CI"), AnsiConsole.Profile.Capabilities.Interactive)
            ? Live(AnsiConsole.Console)
            : Plain(System.Console.Out);

    /// <summary>One line per step and per unit of work on <paramref name="output"/>, flushed at once so logs follow the fusion.</summary>
    public static FusionProgress Plain(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new PlainLines(output);
    }

    /// <summary>A live progress bar per step on <paramref name="console"/>.</summary>
    public static FusionProgress Live(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return new LiveBars(console);
    }

    /// <summary>Starts a step of <paramref name="total"/> units of work; dispose it when the step ends.</summary>
    public abstract IFusionStep Begin(string title, int total);

    /// <summary>A training callback that advances <paramref name="step"/> once per epoch, described as the trainer's plain progress describes it.</summary>
    internal static ITrainingCallback Epochs(IFusionStep step, int epochs) =>
        TrainingCallbacks.OnEpochEnd(report =>
        {
            step.Advance(ConsoleProgress.Describe(report, epochs));
            return EpochDecision.Continue;
        });

    private sealed class Silent : FusionProgress
    {
        public override IFusionStep Begin(string title, int total) => new NoStep();

        private sealed class NoStep : IFusionStep
        {
            public void Advance(string? detail = null)
            {
            }

            public void Dispose()
            {
            }
        }
    }

    private sealed class PlainLines(TextWriter output) : FusionProgress
    {
        public override IFusionStep Begin(string title, int total)
        {
            output.WriteLine($"{title}...");
            output.Flush();
            return new Step(output, title, total);
        }

        private sealed class Step(TextWriter output, string title, int total) : IFusionStep
        {
            private readonly Stopwatch clock = Stopwatch.StartNew();
            private int done;

            public void Advance(string? detail = null)
            {
                done++;
                output.WriteLine($"{title} {done}/{total}{(detail is null ? "" : ": " + detail)}");
                output.Flush();
            }

            public void Dispose()
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: done in {clock.Elapsed.TotalSeconds:F1}s"));
                output.Flush();
            }
        }
    }

    private sealed class LiveBars(IAnsiConsole console) : FusionProgress
    {
        public override IFusionStep Begin(string title, int total) => new Step(console, title, total);

        /// <summary>Spectre's live progress runs on its own thread until the step ends; the fusion only updates the task.</summary>
        private sealed class Step : IFusionStep
        {
            private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly Task rendering;
            private readonly string title;
            private ProgressTask? task;

            public Step(IAnsiConsole console, string title, int total)
            {
                this.title = title;
                using var ready = new ManualResetEventSlim();
                rendering = Task.Run(() => console.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(total, 1));
                        ready.Set();
                        await finished.Task.ConfigureAwait(false);
                        context.Refresh();
                    }));
                // A failing renderer must not hang the fusion: wait for it to be ready or to have failed.
                WaitHandle.WaitAny([ready.WaitHandle, ((IAsyncResult)rendering).AsyncWaitHandle]);
            }

            public void Advance(string? detail = null)
            {
                if (task is null) return;
                task.Increment(1);
                task.Description = Markup.Escape(detail is null ? title : $"{title}: {detail}");
            }

            public void Dispose()
            {
                if (task is not null) task.Value = task.MaxValue;
                finished.TrySetResult();
                try
                {
                    rendering.Wait(TimeSpan.FromSeconds(5));
                }
                catch (AggregateException)
                {
                    // A display failure must not replace the fusion's result or its exception.
                }
            }
        }
    }
}
