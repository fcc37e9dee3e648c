using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dsl.Bench.Training;
using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Bench;

/// <summary>
/// Training throughput of the sample's CNN through our trainer, against the same network and loop hand-written in
/// TorchSharp and against PyTorch (peers/cnn_torch.py), all at batch 128 with Adam and the same thread count.
/// </summary>
/// <remarks>
/// <para>
/// Throughput is 128 samples over the 10th-percentile optimizer-step time (data selection, forward, backward, step),
/// pooled over every round. On a shared machine, other load slows whole rounds several-fold and a median mixes those in;
/// the fastest steps are the undisturbed ones, and compute-bound steps have no lucky outliers below the true time.
/// </para>
/// <para>
/// Arguments: <c>--rounds N</c> (9; ours and hand-written alternate, and which goes first alternates too), <c>--steps N</c>
/// (10 steps of 128 per round), <c>--threads N</c> (libtorch's default otherwise; the peer gets the same),
/// <c>--breakdown</c> (generated module and trainer measured separately), <c>--no-peer</c>. Inputs are synthetic:
/// throughput does not depend on pixel values.
/// </para>
/// </remarks>
public sealed partial class TrainerBenchmark : IBenchmark
{
    private const string PeerScript = "cnn_torch.py";
    private const int BatchSize = 128;

    /// <inheritdoc />
    public string Name => "trainer";

    /// <inheritdoc />
    public string Description => "FashionCnn training samples/s: generated+Trainer vs hand-written TorchSharp, vs PyTorch; data-loading share";

    /// <inheritdoc />
    public IEnumerable<BenchResult> Run(string[] args)
    {
        var rounds = IntOption(args, "--rounds", 9);
        var steps = IntOption(args, "--steps", 10);
        if (IntOption(args, "--threads", 0) is > 0 and var requested) set_num_threads(requested);
        var threads = get_num_threads();
        Console.Error.WriteLine($"trainer: {rounds} rounds of {steps} steps × {BatchSize} samples, {threads} threads, libtorch {__version__}");

        manual_seed(0);
        using var data = new TensorDataset(randn(steps * BatchSize, 1, 28, 28), randint(0, 10, [steps * BatchSize]));
        var trainer = new Trainer(new TrainingOptions { Epochs = 1, BatchSize = BatchSize, LearningRate = 1e-3, Seed = 0 });
        Func<nn.Module<Tensor, Tensor>> generated = () =>
            Trainer.CreateModel<GeneratedFashionCnn, GeneratedFashionCnn.Hyperparameters>(GeneratedFashionCnn.Hyperparameters.Default, seed: 0);
        Func<nn.Module<Tensor, Tensor>> handwritten = () => new HandwrittenFashionCnn();

        // First calls pay for JIT, libtorch kernel selection and allocator growth; keep them out of the timed rounds.
        WithTrainer(trainer, data, generated);
        HandwrittenLoop(data, handwritten);

        if (args.Contains("--breakdown"))
        {
            foreach (var result in Breakdown(trainer, data, rounds, generated, handwritten)) yield return result;
            yield break;
        }

        // Every side runs in every round, so all of them meet the same spells of load; the order rotates so none always follows another.
        var runPeers = !args.Contains("--no-peer");
        var ours = new Samples();
        var handwrittenSteps = new Samples();
        var twin = new Samples();
        var script = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var sides = new List<Action>
            {
                () => ours.Add(WithTrainer(trainer, data, generated)),
                () => handwrittenSteps.Add(HandwrittenLoop(data, handwritten)),
            };
            if (runPeers)
            {
                sides.Add(() => twin.Add(RunPeerTwin(threads, steps)));
                // cnn_torch.py takes ~45 steps; three spread-out runs are enough for its best figure.
                if (round % Math.Max(rounds / 3, 1) == 0 && RunPeer(threads) is { } figure) script.Add(figure);
            }
            for (var i = 0; i < sides.Count; i++) sides[(i + round) % sides.Count]();
            Console.Error.WriteLine($"trainer: round {round + 1}: ours {ours.Last}; hand-written {handwrittenSteps.Last}" + (runPeers ? $"; PyTorch twin {twin.Last}" : ""));
        }

        yield return new BenchResult("train_generated_vs_handwritten", ours.SamplesPerSecond, handwrittenSteps.SamplesPerSecond, "samples/s");
        // cnn_torch.py reports a mean over one fixed batch without dropout; its best run is the least disturbed one.
        yield return new BenchResult("train_vs_pytorch", ours.SamplesPerSecond, script.Count > 0 ? script.Max() : null, "samples/s");
        // The twin is ours line for line in PyTorch (dropout, shuffled index batches) and timed the same way.
        yield return new BenchResult("train_vs_pytorch_same_loop", ours.SamplesPerSecond, twin.Count > 0 ? twin.SamplesPerSecond : null, "samples/s");
        yield return new BenchResult("data_loading_share", ours.DataLoadingShare, null, "fraction");
    }

    /// <summary>Separates the two possible sources of overhead: the generated module, and the trainer around a module.</summary>
    private static IEnumerable<BenchResult> Breakdown(
        Trainer trainer, TensorDataset data, int rounds, Func<nn.Module<Tensor, Tensor>> generated, Func<nn.Module<Tensor, Tensor>> handwritten)
    {
        var baseline = new Samples();
        var generatedInLoop = new Samples();
        var handwrittenInTrainer = new Samples();
        for (var round = 0; round < rounds; round++)
        {
            baseline.Add(HandwrittenLoop(data, handwritten));
            generatedInLoop.Add(HandwrittenLoop(data, generated));
            handwrittenInTrainer.Add(WithTrainer(trainer, data, handwritten));
            Console.Error.WriteLine(
                $"trainer: round {round + 1}: hand-written loop + module {baseline.Last}; same loop + generated module {generatedInLoop.Last}; Trainer + hand-written module {handwrittenInTrainer.Last}");
        }
        yield return new BenchResult("generated_module_vs_handwritten", generatedInLoop.SamplesPerSecond, baseline.SamplesPerSecond, "samples/s");
        yield return new BenchResult("trainer_vs_handwritten_loop", handwrittenInTrainer.SamplesPerSecond, baseline.SamplesPerSecond, "samples/s");
    }

    /// <summary>One round through our trainer; step times come from the batch callback, which costs one small record per step.</summary>
    private static Round WithTrainer(Trainer trainer, TensorDataset data, Func<nn.Module<Tensor, Tensor>> create)
    {
        using var model = create();
        var timer = new StepTimer();
        var report = trainer.Fit(model, data, null, timer).Last;
        return new Round(timer.Steps, report.SamplesPerSecond, report.DataLoadingShare);
    }

    /// <summary>A training loop as a TorchSharp user writes it: shuffled index batches, Adam, cross-entropy, a scope per step.</summary>
    private static Round HandwrittenLoop(TensorDataset data, Func<nn.Module<Tensor, Tensor>> create)
    {
        manual_seed(0);
        using var model = create();
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        model.train();
        var steps = new List<double>();
        var clock = Stopwatch.StartNew();
        var last = Stopwatch.GetTimestamp();
        using var order = randperm(data.Count);
        double lossSum = 0;
        for (long start = 0; start < data.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var indices = order.narrow(0, start, Math.Min(BatchSize, data.Count - start));
            var inputs = data.Inputs.index_select(0, indices);
            var labels = data.Labels.index_select(0, indices);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(inputs), labels);
            loss.backward();
            optimizer.step();
            lossSum += loss.item<float>();
            var now = Stopwatch.GetTimestamp();
            steps.Add(Stopwatch.GetElapsedTime(last, now).TotalSeconds);
            last = now;
        }
        clock.Stop();
        if (!double.IsFinite(lossSum)) throw new InvalidOperationException("The hand-written loop diverged.");
        return new Round(steps, data.Count / clock.Elapsed.TotalSeconds, double.NaN);
    }

    /// <summary>Step durations of one round, from the end of one step to the end of the next.</summary>
    private sealed class StepTimer : ITrainingCallback
    {
        private long last = Stopwatch.GetTimestamp();

        public List<double> Steps { get; } = [];

        public void OnBatchEnd(BatchReport report)
        {
            var now = Stopwatch.GetTimestamp();
            Steps.Add(Stopwatch.GetElapsedTime(last, now).TotalSeconds);
            last = now;
        }
    }

    /// <param name="Steps">Durations of each step; the first also holds the round's set-up and is not used.</param>
    /// <param name="EpochSamplesPerSecond">Whole-epoch throughput, for the log; NaN where unknown.</param>
    /// <param name="DataLoadingShare">The trainer's data share, NaN for the hand-written loop.</param>
    private sealed record Round(List<double> Steps, double EpochSamplesPerSecond, double DataLoadingShare)
    {
        public override string ToString() =>
            $"steps p10 {Percentile(Steps.Skip(1), 0.10) * 1000:F1} ms, median {Percentile(Steps.Skip(1), 0.5) * 1000:F1} ms" +
            (double.IsNaN(EpochSamplesPerSecond) ? "" : $", epoch {EpochSamplesPerSecond:F0} samples/s") +
            (double.IsNaN(DataLoadingShare) ? "" : $", data {DataLoadingShare:P1}");
    }

    /// <summary>Rounds of one configuration, pooled.</summary>
    private sealed class Samples
    {
        private readonly List<Round> rounds = [];

        public Round? Last => rounds.Count > 0 ? rounds[^1] : null;

        public int Count => rounds.Count;

        public double SamplesPerSecond => BatchSize / Percentile(rounds.SelectMany(r => r.Steps.Skip(1)), 0.10);

        public double DataLoadingShare => Percentile(rounds.Select(r => r.DataLoadingShare), 0.5);

        public void Add(Round? round)
        {
            if (round is not null) rounds.Add(round);
        }
    }

    private static double? RunPeer(int threads)
    {
        var script = FindPeerScript();
        if (script is null)
        {
            Console.Error.WriteLine($"trainer: peer script {PeerScript} not found beside the repository (../shared/peers/); peer figure is null.");
            return null;
        }
        var output = RunPython([script, threads.ToString(CultureInfo.InvariantCulture)], PeerScript);
        var match = output is null ? null : PeerLine().Match(output);
        if (match is not { Success: true }) return null;
        Console.Error.WriteLine($"trainer: {PeerScript}: {match.Value} (its mean over 40 steps on one fixed batch)");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Runs Debian's python3 (which sees python3-torch) and returns its standard output, or null with the reason on stderr.</summary>
    private static string? RunPython(IEnumerable<string> arguments, string what)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0) return stdout.Result;
            Console.Error.WriteLine($"trainer: {what} failed (exit {process.ExitCode}): {stderr.Trim()}; peer figure is null.");
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"trainer: cannot start {python} for {what} ({e.Message}); peer figure is null.");
            return null;
        }
    }

    /// <summary>
    /// The same network (dropout included), data pipeline (shuffled index batches) and step timing as ours, in
    /// PyTorch; passed to python with -c so the benchmark stays one file.
    /// </summary>
    private const string PeerTwin = """
        import sys, time, torch
        threads, steps = int(sys.argv[1]), int(sys.argv[2])
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        nn = torch.nn
        x = torch.randn(steps * 128, 1, 28, 28)
        y = torch.randint(0, 10, (steps * 128,))
        times = []
        for r in range(2):
            m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
            opt = torch.optim.Adam(m.parameters(), 1e-3)
            m.train()
            order = torch.randperm(len(x))
            last = time.perf_counter()
            for s in range(steps):
                idx = order[s * 128:(s + 1) * 128]
                opt.zero_grad()
                loss = nn.functional.cross_entropy(m(x.index_select(0, idx)), y.index_select(0, idx))
                loss.backward()
                opt.step()
                loss.item()
                now = time.perf_counter()
                if r > 0 and s > 0:
                    times.append(now - last)
                last = now
        print("step_seconds " + ",".join(f"{t:.6f}" for t in times))
        """;

    /// <summary>One round of the PyTorch twin, after a warm-up round in the same process; null when it cannot run.</summary>
    private static Round? RunPeerTwin(int threads, int steps)
    {
        var output = RunPython(["-c", PeerTwin, $"{threads}", $"{steps}"], "PyTorch twin");
        var match = output is null ? null : TwinLine().Match(output);
        if (match is not { Success: true }) return null;
        // The twin drops its first step itself; a leading placeholder keeps Round's "skip the first step" rule uniform.
        var times = match.Groups[1].Value.Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).Prepend(double.NaN).ToList();
        return new Round(times, double.NaN, double.NaN);
    }

    private static string? FindPeerScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Dsl.sln"))) continue;
                var candidate = Path.Combine(dir.FullName, "..", "shared", "peers", PeerScript);
                return File.Exists(candidate) ? Path.GetFullPath(candidate) : null;
            }
        }
        return null;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    /// <summary>The <paramref name="fraction"/> quantile, interpolating linearly between order statistics.</summary>
    private static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        var position = fraction * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    [GeneratedRegex(@"pytorch \S+ threads=\d+ (\d+(?:\.\d+)?) samples/s")]
    private static partial Regex PeerLine();

    [GeneratedRegex(@"step_seconds ([\d.,]+)")]
    private static partial Regex TwinLine();
}
