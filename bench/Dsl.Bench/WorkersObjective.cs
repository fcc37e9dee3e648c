using System.Globalization;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;

namespace Dsl.Bench;

/// <summary>The workers benchmark's user-code objective: a bowl that sleeps, so the CPU never limits throughput.</summary>
[Sweep]
public partial class SleepingBowl
{
    /// <summary>How long each trial sleeps; set once per worker process.</summary>
    internal static TimeSpan Sleep { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Where each trial's start and end go, one line each, for the driver's duplicate and latency counts.</summary>
    internal static TextWriter? Log { get; set; }

    internal static string Worker { get; set; } = "";

    [Hyperparameter(-10.0, 10.0, Default = 0.0)]
    public partial double X { get; }

    [Hyperparameter(-10.0, 10.0, Default = 0.0)]
    public partial double Y { get; }

    public async Task<double> ObjectiveAsync(ObjectiveTrial trial, CancellationToken cancellationToken)
    {
        WorkersLog.Write(Log, "run", trial.Number, Worker);
        await Task.Delay(Sleep, cancellationToken);
        WorkersLog.Write(Log, "end", trial.Number, Worker);
        return (X - 2) * (X - 2) + (Y + 3) * (Y + 3);
    }
}

/// <summary>One worker process of the workers benchmark: joins the study and runs trials until it holds the total.</summary>
internal static class WorkersWorker
{
    /// <summary>`workers --worker --storage URL --study S --trials N --worker-id ID --seed K --sleep-ms MS --log FILE`.</summary>
    public static int Run(string[] args)
    {
        var storageText = WorkersArgs.Text(args, "--storage") ?? throw new ArgumentException("--worker needs --storage.");
        var study = WorkersArgs.Text(args, "--study") ?? throw new ArgumentException("--worker needs --study.");
        var worker = WorkersArgs.Text(args, "--worker-id") ?? StudyStorage.NewWorkerId();
        // A file per worker process: .NET appends at the end it saw on opening, so several writers would overwrite each other.
        var logPrefix = WorkersArgs.Text(args, "--log") ?? throw new ArgumentException("--worker needs --log.");
        using var log = new StreamWriter(logPrefix + "." + worker, append: true) { AutoFlush = true };
        SleepingBowl.Sleep = TimeSpan.FromMilliseconds(WorkersArgs.Number(args, "--sleep-ms", 200));
        SleepingBowl.Log = TextWriter.Synchronized(log);
        SleepingBowl.Worker = worker;
        var seed = WorkersArgs.Number(args, "--seed", 0);

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        var storage = StudyStorage.Open(storageText);
        try
        {
            var result = SleepingBowl.RunAsync(new SweepOptions
            {
                Trials = WorkersArgs.Number(args, "--trials", 500),
                Storage = storage,
                Study = study,
                WorkerId = worker,
                Seed = seed,
                Sampler = WorkersArgs.Text(args, "--sampler") == "tpe" ? Samplers.Tpe(seed) : Samplers.Random(seed),
                // Killed workers are noticed at once by the next worker that starts on this host (their process is gone),
                // and by the heartbeat timeout elsewhere; a trial killed repeatedly is retried until it completes.
                HeartbeatInterval = TimeSpan.FromSeconds(2),
                StaleTrials = StaleTrialPolicy.Default with { HeartbeatTimeout = TimeSpan.FromSeconds(10), MaxRetries = 20 },
                MaxRetries = 20,
                KeepCheckpoints = 0,
                OutputDirectory = Path.Combine(Path.GetTempPath(), "dsl-bench-workers", study, worker),
                Progress = SweepProgress.None,
            }, stop.Token).GetAwaiter().GetResult();
            return result.StopReason switch
            {
                SweepStopReason.Cancelled => 130,
                SweepStopReason.Failed => 1,
                _ => 0,
            };
        }
        finally
        {
            storage.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

/// <summary>The lines workers write: <c>run|end NUMBER UNIX_MS WORKER</c>; the Optuna workers write the same.</summary>
internal static class WorkersLog
{
    public static void Write(TextWriter? log, string what, int number, string worker) =>
        log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what} {number} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} {worker}"));
}

/// <summary>Reads the workers benchmark's options.</summary>
internal static class WorkersArgs
{
    public static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public static int Number(string[] args, string name, int fallback) =>
        Text(args, name) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    public static bool Flag(string[] args, string name) => Array.IndexOf(args, name) >= 0;
}
