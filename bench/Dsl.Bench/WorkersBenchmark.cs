using System.Diagnostics;
using System.Globalization;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Bench;

/// <summary>
/// Worker processes sharing one study: throughput scaling, claim latency, duplicate and lost trials (also while workers
/// are killed with kill -9 and restarted), and the per-trial overhead beside Optuna's workers on the same server.
/// </summary>
/// <remarks>
/// <para>
/// `bench/run workers [--smoke] [--postgres] [--storage URL --optuna-storage URL] [--trials 500] [--sleep-ms 200]
/// [--workers 1,2,4,8] [--chaos-workers 4] [--chaos-interval-ms 3000] [--sampler random|tpe] [--no-optuna] [--no-chaos]`.
/// </para>
/// <para>
/// By default it starts a PostgreSQL cluster on loopback (a random free port, stopped at the end) with one database for
/// our workers and one for Optuna's. <c>--smoke</c> runs fewer, shorter trials against SQLite files instead (add
/// <c>--postgres</c> to smoke-test PostgreSQL); <c>--storage</c> names an existing store. Each worker is a process of
/// this binary (<c>workers --worker</c>) or of bench/optuna_worker.py, with its own worker id; both log each trial's
/// start and end, from which the figures come: throughput from the first start to the last end, the claim latency as
/// the gap between a worker's trials (recording one and claiming the next), and the overhead per trial as the worker
/// time each trial took beyond its sleep.
/// </para>
/// </remarks>
public sealed class WorkersBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "workers";

    /// <inheritdoc />
    public string Description => "1-8 worker processes on one PostgreSQL study of a sleeping user objective: scaling, claims, kill -9 chaos, vs Optuna.";

    /// <inheritdoc />
    public IEnumerable<BenchResult> Run(string[] args)
    {
        if (WorkersArgs.Flag(args, "--worker"))
        {
            Environment.ExitCode = WorkersWorker.Run(args);
            yield break;
        }

        var smoke = WorkersArgs.Flag(args, "--smoke");
        var settings = new WorkerRunSettings(
            Trials: WorkersArgs.Number(args, "--trials", smoke ? 40 : 500),
            SleepMs: WorkersArgs.Number(args, "--sleep-ms", smoke ? 50 : 200),
            Sampler: WorkersArgs.Text(args, "--sampler") ?? "random",
            Folder: Directory.CreateTempSubdirectory("dsl-bench-workers-").FullName);
        var counts = (WorkersArgs.Text(args, "--workers") ?? (smoke ? "1,2,4" : "1,2,4,8"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => int.Parse(c, CultureInfo.InvariantCulture))
            .ToList();
        var chaosWorkers = WorkersArgs.Number(args, "--chaos-workers", 4);
        var chaosInterval = TimeSpan.FromMilliseconds(WorkersArgs.Number(args, "--chaos-interval-ms", smoke ? 700 : 3000));

        LoopbackPostgres? postgres = null;
        try
        {
            string ours, theirs;
            if (WorkersArgs.Text(args, "--storage") is { } given)
            {
                ours = given;
                theirs = WorkersArgs.Text(args, "--optuna-storage") ?? given;
            }
            else if (smoke && !WorkersArgs.Flag(args, "--postgres"))
            {
                ours = Path.Combine(settings.Folder, "ours.db");
                theirs = "sqlite:///" + Path.Combine(settings.Folder, "optuna.db");
            }
            else
            {
                postgres = LoopbackPostgres.Start();
                postgres.CreateDatabase("dsl_bench");
                postgres.CreateDatabase("optuna_bench");
                ours = postgres.Url("dsl_bench");
                theirs = postgres.Url("optuna_bench");
            }
            Console.Error.WriteLine($"workers: {settings.Trials} trials of {settings.SleepMs} ms, {string.Join('/', counts)} workers; ours on {ours}, Optuna on {theirs}");

            var runs = new Dictionary<int, WorkerRun>();
            foreach (var count in counts)
            {
                runs[count] = WorkerRuns.Ours(ours, $"workers-{count}", count, settings, chaos: null);
                Console.Error.WriteLine($"workers: ours, {count} worker(s): {runs[count]}");
            }
            var peers = new Dictionary<int, WorkerRun>();
            if (!WorkersArgs.Flag(args, "--no-optuna"))
            {
                foreach (var count in counts)
                {
                    peers[count] = WorkerRuns.Optuna(theirs, $"optuna-{count}", count, settings);
                    Console.Error.WriteLine($"workers: Optuna, {count} worker(s): {peers[count]}");
                }
            }

            foreach (var count in counts)
                yield return new BenchResult($"workers_throughput_{count}", runs[count].Throughput, peers.GetValueOrDefault(count)?.Throughput, "trials/s");
            foreach (var count in counts.Where(c => c > 1 && counts.Contains(1)))
            {
                yield return new BenchResult($"workers_throughput_scaling_{count}", runs[count].Throughput / runs[1].Throughput,
                    peers.Count > 0 ? peers[count].Throughput / peers[1].Throughput : null, $"x with {count} workers vs 1 (target >= {0.875 * count:0.#})");
            }
            var gaps = runs.Values.SelectMany(r => r.Gaps).ToList();
            var peerGaps = peers.Values.SelectMany(r => r.Gaps).ToList();
            yield return new BenchResult("workers_claim_latency_p50_ms", Percentile(gaps, 0.5), peerGaps.Count > 0 ? Percentile(peerGaps, 0.5) : null, "ms between a worker's trials (record + claim)");
            yield return new BenchResult("workers_claim_latency_p99_ms", Percentile(gaps, 0.99), peerGaps.Count > 0 ? Percentile(peerGaps, 0.99) : null, "ms between a worker's trials (record + claim)");
            yield return new BenchResult("workers_duplicate_claims", runs.Values.Sum(r => r.Duplicates), null, "trials run twice (target 0)");
            yield return new BenchResult("workers_lost_trials", runs.Values.Sum(r => r.Lost), null, "trials short of complete (target 0)");
            foreach (var count in counts)
                yield return new BenchResult($"workers_overhead_ms_per_trial_{count}", runs[count].OverheadMs(count, settings.SleepMs), peers.GetValueOrDefault(count)?.OverheadMs(count, settings.SleepMs), "ms of worker time per trial beyond the sleep");
            yield return new BenchResult("workers_overhead_ms_per_trial", counts.Average(c => runs[c].OverheadMs(c, settings.SleepMs)),
                peers.Count > 0 ? counts.Average(c => peers[c].OverheadMs(c, settings.SleepMs)) : null, $"ms per trial beyond the sleep, mean over {string.Join('/', counts)} workers (target ratio < 1)");

            if (!WorkersArgs.Flag(args, "--no-chaos"))
            {
                // Trials long enough that kills land mid-trial even in a smoke run.
                var chaos = WorkerRuns.Ours(ours, "workers-chaos", chaosWorkers, settings with { SleepMs = Math.Max(settings.SleepMs, 200) }, chaosInterval);
                Console.Error.WriteLine($"workers: chaos, {chaosWorkers} worker(s): {chaos}");
                yield return new BenchResult("workers_chaos_kills", chaos.Kills, null, $"kill -9 of a random worker every {chaosInterval.TotalSeconds:0.#} s, then a restart");
                yield return new BenchResult("workers_chaos_duplicate_claims", chaos.Duplicates, null, "trials run twice (target 0)");
                yield return new BenchResult("workers_chaos_lost_trials", chaos.Lost, null, "trials neither complete nor failed and retried (target 0)");
                yield return new BenchResult("workers_chaos_failed_retried", chaos.FailedRetried, null, "killed trials failed and retried");
            }
        }
        finally
        {
            postgres?.Dispose();
            try
            {
                Directory.Delete(settings.Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>What every run of one benchmark shares.</summary>
internal sealed record WorkerRunSettings(int Trials, int SleepMs, string Sampler, string Folder);

/// <summary>What one run of n workers did, read from their logs and the study.</summary>
/// <param name="Completed">Trials that completed.</param>
/// <param name="SpanMs">From the first trial's start to the last one's end.</param>
/// <param name="Gaps">Each worker's time between the end of one trial and the start of its next.</param>
/// <param name="Duplicates">Trial numbers that more than one objective call ran.</param>
/// <param name="Lost">The study's total less its complete trials.</param>
/// <param name="FailedRetried">Failed trials whose parameters were retried.</param>
/// <param name="Kills">Workers killed with kill -9.</param>
internal sealed record WorkerRun(int Completed, double SpanMs, List<double> Gaps, int Duplicates, int Lost, int FailedRetried, int Kills)
{
    public double Throughput => SpanMs > 0 ? Completed / (SpanMs / 1000) : double.NaN;

    /// <summary>Worker time per trial beyond the objective's sleep: the cost of claiming, recording and waiting.</summary>
    public double OverheadMs(int workers, int sleepMs) => Completed > 0 ? SpanMs * workers / Completed - sleepMs : double.NaN;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Completed} complete in {SpanMs / 1000:0.0} s ({Throughput:0.00}/s), {Duplicates} duplicate(s), {Lost} lost, {FailedRetried} retried, {Kills} kill(s)");
}

/// <summary>Starts worker processes, ours or Optuna's, waits for them, and reads what they did.</summary>
internal static class WorkerRuns
{
    public static WorkerRun Ours(string storage, string study, int workers, WorkerRunSettings settings, TimeSpan? chaos)
    {
        // Created here first, so the workers all join one study rather than racing to create it.
        using (var store = StudyStorage.Open(storage).AsDisposable())
            store.Value.CreateOrOpenStudyAsync(new StudyDefinition(study, StudyDirection.Minimize, SleepingBowl.SearchSpace)).GetAwaiter().GetResult();

        var log = Path.Combine(settings.Folder, study + ".log");
        Process Start(int index, int restart) => Launch(OwnCommand(), [
            "workers", "--worker", "--storage", storage, "--study", study, "--trials", Invariant(settings.Trials),
            "--worker-id", restart == 0 ? $"w{index}" : $"w{index}-r{restart}", "--seed", Invariant(index * 1000 + restart),
            "--sleep-ms", Invariant(settings.SleepMs), "--sampler", settings.Sampler, "--log", log]);

        var processes = Enumerable.Range(0, workers).Select(i => Start(i, 0)).ToArray();
        var restarts = new int[workers];
        var kills = 0;
        var random = new Random(12345);
        while (processes.Any(p => !p.HasExited))
        {
            if (chaos is not { } interval)
            {
                foreach (var process in processes) process.WaitForExit();
                break;
            }
            Thread.Sleep(interval);
            var alive = Enumerable.Range(0, workers).Where(i => !processes[i].HasExited).ToList();
            if (alive.Count == 0) break;
            // Near the end the workers must be let finish: restarted ones need a moment to start and see the study full.
            if (Complete(storage, study) >= settings.Trials * 9 / 10)
            {
                chaos = null;
                continue;
            }
            var victim = alive[random.Next(alive.Count)];
            processes[victim].Kill();
            processes[victim].WaitForExit();
            kills++;
            // The restarted worker finds its predecessor's process gone and fails and retries its trial at once.
            processes[victim] = Start(victim, ++restarts[victim]);
        }
        foreach (var process in processes)
        {
            if (process.ExitCode != 0) Console.Error.WriteLine($"workers: a worker of {study} exited with {process.ExitCode}");
            process.Dispose();
        }

        var trials = Trials(storage, study);
        var complete = trials.Count(t => t.State == TrialState.Complete);
        var retriedNumbers = trials.Select(RetryOf).OfType<int>().ToHashSet();
        var retried = trials.Count(t => t.State == TrialState.Failed && retriedNumbers.Contains(t.Number));
        return Read(log, complete, settings.Trials - complete, retried, kills);
    }

    private static IReadOnlyList<TrialRecord> Trials(string storage, string study)
    {
        using var store = StudyStorage.Open(storage).AsDisposable();
        return store.Value.GetTrialsAsync(study).GetAwaiter().GetResult();
    }

    private static int Complete(string storage, string study) => Trials(storage, study).Count(t => t.State == TrialState.Complete);

    public static WorkerRun Optuna(string storage, string study, int workers, WorkerRunSettings settings)
    {
        var script = OptunaScript();
        var log = Path.Combine(settings.Folder, study + ".log");
        string[] common = [script, "--storage", storage, "--study", study, "--trials", Invariant(settings.Trials), "--sleep-ms", Invariant(settings.SleepMs),
            "--sampler", settings.Sampler, "--log", log];
        using (var create = Launch("/usr/bin/python3", [.. common, "--create"])) create.WaitForExit();
        var processes = Enumerable.Range(0, workers).Select(i => Launch("/usr/bin/python3", [.. common, "--worker-id", $"o{i}"])).ToArray();
        foreach (var process in processes)
        {
            process.WaitForExit();
            if (process.ExitCode != 0) Console.Error.WriteLine($"workers: an Optuna worker of {study} exited with {process.ExitCode}");
            process.Dispose();
        }
        var ends = Directory.GetFiles(settings.Folder, Path.GetFileName(log) + ".*").SelectMany(File.ReadLines).Count(l => l.StartsWith("end ", StringComparison.Ordinal));
        return Read(log, ends, Math.Max(0, settings.Trials - ends), 0, 0);
    }

    private static WorkerRun Read(string log, int complete, int lost, int retried, int kills)
    {
        // Each worker process writes a file of its own (log.<worker>): appends from several processes would interleave.
        var folder = Path.GetDirectoryName(log)!;
        var events = Directory.GetFiles(folder, Path.GetFileName(log) + ".*").SelectMany(File.ReadLines).Select(l => l.Split(' ')).Where(p => p.Length == 4)
                .Select(p => (What: p[0], Number: int.Parse(p[1], CultureInfo.InvariantCulture), At: double.Parse(p[2], CultureInfo.InvariantCulture), Worker: p[3]))
                .ToList();
        var runs = events.Where(e => e.What == "run").ToList();
        var ends = events.Where(e => e.What == "end").ToList();
        var duplicates = runs.GroupBy(e => e.Number).Count(g => g.Count() > 1);
        var span = runs.Count > 0 && ends.Count > 0 ? ends.Max(e => e.At) - runs.Min(e => e.At) : 0;
        var gaps = new List<double>();
        foreach (var worker in events.GroupBy(e => e.Worker))
        {
            var ordered = worker.OrderBy(e => e.At).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i - 1].What == "end" && ordered[i].What == "run")
                    gaps.Add(ordered[i].At - ordered[i - 1].At);
        }
        return new WorkerRun(complete, span, gaps, duplicates, lost, retried, kills);
    }

    /// <summary>This binary, run as a worker: through dotnet when it was started that way, else its own apphost.</summary>
    private static (string File, string[] Prefix) OwnCommand()
    {
        var host = Environment.ProcessPath!;
        var assembly = typeof(WorkerRuns).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? (host, [assembly]) : (host, []);
    }

    private static Process Launch((string File, string[] Prefix) command, string[] arguments) => Launch(command.File, [.. command.Prefix, .. arguments]);

    private static Process Launch(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
    }

    private static string OptunaScript()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var script = Path.Combine(folder.FullName, "optuna_worker.py");
            if (File.Exists(script)) return script;
        }
        throw new FileNotFoundException("bench/optuna_worker.py was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The failed trial <paramref name="trial"/> retries: linked by the store's recovery or by the runner's.</summary>
    private static int? RetryOf(TrialRecord trial) =>
        (trial.Attributes.GetValueOrDefault(TrialAttributeKeys.RetryOf) ?? trial.Attributes.GetValueOrDefault(Dsl.Sweeps.SweepAttributeKeys.RetryOf)) is { } text
        && int.TryParse(text, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Owned AsDisposable(this IStudyStorage storage) => new(storage);

    /// <summary>Disposes a store synchronously: the driver is a plain loop of processes.</summary>
    private readonly record struct Owned(IStudyStorage Value) : IDisposable
    {
        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
