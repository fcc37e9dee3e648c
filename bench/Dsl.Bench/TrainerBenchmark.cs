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
/// TorchSharp and against PyTorch, all at batch 128 with Adam and the same thread count.
/// </summary>
/// <remarks>
/// <para>
/// Ours and the hand-written loop are interleaved step by step: after each of the trainer's steps, its batch callback
/// runs and times one hand-written step. Each side's figure is 128 samples over its median step time (data selection,
/// forward, backward, optimizer step). On a shared machine other load changes step times several-fold from one second
/// to the next; alternating single steps exposes both sides to the same load, which whole-epoch comparisons do not.
/// </para>
/// <para>
/// PyTorch runs in its own process, so it cannot be interleaved step by step: ../shared/peers/cnn_torch.py (a mean over
/// one fixed batch, no dropout) runs three times, and a twin of ours (same network with dropout, same shuffled index
/// batches, same per-step timing) once per round, between our rounds. Those comparisons take each side's best round
/// (128 over the round's median step), the least disturbed one.
/// </para>
/// <para>
/// Arguments: <c>--rounds N</c> (9), <c>--steps N</c> (10 steps of 128 per round), <c>--threads N</c> (libtorch's default
/// otherwise; the peers get the same), <c>--breakdown</c> (generated module and trainer measured apart), <c>--no-peer</c>.
/// Inputs are synthetic: throughput does not depend on pixel values.
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
        var runPeers = !args.Contains("--no-peer");
        Console.Error.WriteLine($"trainer: {rounds} rounds of {steps} steps × {BatchSize} samples, {threads} threads, libtorch {__version__}");

        manual_seed(0);
        using var data = new TensorDataset(randn(steps * BatchSize, 1, 28, 28), randint(0, 10, [steps * BatchSize]));
        var trainer = new Trainer(new TrainingOptions { Epochs = 1, BatchSize = BatchSize, LearningRate = 1e-3, Seed = 0 });
        Func<nn.Module<Tensor, Tensor>> generated = () =>
            Trainer.CreateModel<GeneratedFashionCnn, GeneratedFashionCnn.Hyperparameters>(GeneratedFashionCnn.Hyperparameters.Default, seed: 0);
        Func<nn.Module<Tensor, Tensor>> handwritten = () => new HandwrittenFashionCnn();

        if (args.Contains("--breakdown"))
        {
            foreach (var result in Breakdown(trainer, data, rounds, generated, handwritten)) yield return result;
            yield break;
        }

        // The first round pays for JIT, libtorch kernel selection and allocator growth; it is not counted.
        using (var warmUp = new HandwrittenLoop(data, handwritten)) ThroughTrainer(trainer, data, generated, warmUp);

        var ours = new List<double>();
        var handwrittenSteps = new List<double>();
        var dataShares = new List<double>();
        var oursRounds = new List<double>();
        var twinRounds = new List<double>();
        var script = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            if (runPeers && round % Math.Max(rounds / 3, 1) == 0 && RunPeerScript(threads) is { } figure) script.Add(figure);
            using var loop = new HandwrittenLoop(data, handwritten);
            var (oursRound, share) = ThroughTrainer(trainer, data, generated, loop);
            ours.AddRange(oursRound);
            oursRounds.Add(BatchSize / Median(oursRound));
            handwrittenSteps.AddRange(loop.Steps);
            dataShares.Add(share);
            var twinRound = runPeers ? RunPeerTwin(threads, steps) : null;
            if (twinRound is not null) twinRounds.Add(BatchSize / Median(twinRound));
            Console.Error.WriteLine(
                $"trainer: round {round + 1}: median step ours {Median(oursRound) * 1000:F1} ms (data {share:P1}), hand-written {Median(loop.Steps) * 1000:F1} ms" +
                (twinRound is null ? "" : $", PyTorch twin {Median(twinRound) * 1000:F1} ms"));
        }

        yield return new BenchResult("train_generated_vs_handwritten", BatchSize / Median(ours), BatchSize / Median(handwrittenSteps), "samples/s");
        // Each of our steps against the hand-written step right after it: a ratio per pair, so load that changes between
        // pairs cancels out; the median pair is the figure (ours is the speed ratio, > 1 means ours is faster).
        yield return new BenchResult("train_generated_vs_handwritten_paired", Median(ours.Zip(handwrittenSteps, (o, h) => h / o)), null, "speed ratio");
        // Separate processes cannot be interleaved step by step; each side's best round is its least disturbed one.
        yield return new BenchResult("train_vs_pytorch", oursRounds.Max(), script.Count > 0 ? script.Max() : null, "samples/s");
        yield return new BenchResult("train_vs_pytorch_same_loop", oursRounds.Max(), twinRounds.Count > 0 ? twinRounds.Max() : null, "samples/s");
        yield return new BenchResult("data_loading_share", Median(dataShares), null, "fraction");
    }

    /// <summary>Measures the two possible overheads apart, each against the hand-written pair, interleaved step by step.</summary>
    private static IEnumerable<BenchResult> Breakdown(
        Trainer trainer, TensorDataset data, int rounds, Func<nn.Module<Tensor, Tensor>> generated, Func<nn.Module<Tensor, Tensor>> handwritten)
    {
        var generatedInLoop = new List<double>();
        var baselineForModule = new List<double>();
        var handwrittenInTrainer = new List<double>();
        var baselineForTrainer = new List<double>();
        for (var round = 0; round <= rounds; round++)
        {
            using var generatedLoop = new HandwrittenLoop(data, generated);
            using var baseline = new HandwrittenLoop(data, handwritten);
            for (var step = 0; step < data.Count / BatchSize; step++)
            {
                generatedLoop.Step();
                baseline.Step();
            }
            using var trainerBaseline = new HandwrittenLoop(data, handwritten);
            var (trainerSteps, _) = ThroughTrainer(trainer, data, handwritten, trainerBaseline);
            if (round == 0) continue;
            generatedInLoop.AddRange(generatedLoop.Steps);
            baselineForModule.AddRange(baseline.Steps);
            handwrittenInTrainer.AddRange(trainerSteps);
            baselineForTrainer.AddRange(trainerBaseline.Steps);
            Console.Error.WriteLine(
                $"trainer: round {round}: median step: generated module {Median(generatedLoop.Steps) * 1000:F1} ms vs hand-written {Median(baseline.Steps) * 1000:F1} ms (same loop); " +
                $"Trainer {Median(trainerSteps) * 1000:F1} ms vs hand-written loop {Median(trainerBaseline.Steps) * 1000:F1} ms (same module)");
        }
        yield return new BenchResult("generated_module_vs_handwritten", BatchSize / Median(generatedInLoop), BatchSize / Median(baselineForModule), "samples/s");
        yield return new BenchResult("trainer_vs_handwritten_loop", BatchSize / Median(handwrittenInTrainer), BatchSize / Median(baselineForTrainer), "samples/s");
    }

    /// <summary>
    /// One epoch through our trainer, with one step of <paramref name="partner"/> run after each of ours; returns our step
    /// times (the first, which holds the trainer's set-up, dropped) and the epoch's data-loading share.
    /// </summary>
    private static (List<double> Steps, double DataLoadingShare) ThroughTrainer(
        Trainer trainer, TensorDataset data, Func<nn.Module<Tensor, Tensor>> create, HandwrittenLoop partner)
    {
        using var model = create();
        var callback = new InterleavingTimer(partner);
        var report = trainer.Fit(model, data, null, callback).Last;
        return (callback.Steps.Skip(1).ToList(), report.DataLoadingShare);
    }

    /// <summary>Times the trainer's steps and, between them, runs the partner's steps, whose time it leaves out of ours.</summary>
    private sealed class InterleavingTimer(HandwrittenLoop partner) : ITrainingCallback
    {
        private long last = Stopwatch.GetTimestamp();

        public List<double> Steps { get; } = [];

        public void OnBatchEnd(BatchReport report)
        {
            Steps.Add(Stopwatch.GetElapsedTime(last).TotalSeconds);
            partner.Step();
            last = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>A training loop as a TorchSharp user writes it: shuffled index batches, Adam, cross-entropy, a scope per step; one step per call.</summary>
    private sealed class HandwrittenLoop : IDisposable
    {
        private readonly TensorDataset data;
        private readonly nn.Module<Tensor, Tensor> model;
        private readonly optim.Optimizer optimizer;
        private readonly Tensor order;
        private long start;
        private bool first = true;

        public HandwrittenLoop(TensorDataset data, Func<nn.Module<Tensor, Tensor>> create)
        {
            this.data = data;
            manual_seed(0);
            model = create();
            optimizer = optim.Adam(model.parameters(), 1e-3);
            model.train();
            order = randperm(data.Count);
        }

        /// <summary>Step times, the first step (allocator and optimizer-state set-up) left out.</summary>
        public List<double> Steps { get; } = [];

        public void Step()
        {
            var clock = Stopwatch.GetTimestamp();
            using (var scope = NewDisposeScope())
            {
                if (start >= data.Count) start = 0;
                var indices = order.narrow(0, start, Math.Min(BatchSize, data.Count - start));
                var inputs = data.Inputs.index_select(0, indices);
                var labels = data.Labels.index_select(0, indices);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(inputs), labels);
                loss.backward();
                optimizer.step();
                if (!float.IsFinite(loss.item<float>())) throw new InvalidOperationException("The hand-written loop diverged.");
                start += BatchSize;
            }
            if (!first) Steps.Add(Stopwatch.GetElapsedTime(clock).TotalSeconds);
            first = false;
        }

        public void Dispose()
        {
            order.Dispose();
            optimizer.Dispose();
            model.Dispose();
        }
    }

    /// <summary>
    /// Ours in PyTorch: the same network (dropout included), data pipeline (shuffled index batches) and step timing; one
    /// warm-up round, then one measured round whose step times it prints. Passed with -c so the benchmark stays one file.
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
            for s in range(steps):
                start = time.perf_counter()
                idx = order[s * 128:(s + 1) * 128]
                opt.zero_grad()
                loss = nn.functional.cross_entropy(m(x.index_select(0, idx)), y.index_select(0, idx))
                loss.backward()
                opt.step()
                loss.item()
                if r > 0 and s > 0:
                    times.append(time.perf_counter() - start)
        print("step_seconds " + ",".join(f"{t:.6f}" for t in times))
        """;

    /// <summary>The twin's step times for one round, or null when it cannot run.</summary>
    private static List<double>? RunPeerTwin(int threads, int steps)
    {
        var output = RunPython(["-c", PeerTwin, $"{threads}", $"{steps}"], "PyTorch twin");
        var match = output is null ? null : TwinLine().Match(output);
        return match is { Success: true }
            ? match.Groups[1].Value.Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList()
            : null;
    }

    private static double? RunPeerScript(int threads)
    {
        var script = FindPeerScript();
        if (script is null)
        {
            Console.Error.WriteLine($"trainer: peer script {PeerScript} not found beside the repository (../shared/peers/); its figure is null.");
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
            Console.Error.WriteLine($"trainer: {what} failed (exit {process.ExitCode}): {stderr.Trim()}; its figure is null.");
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"trainer: cannot start {python} for {what} ({e.Message}); its figure is null.");
            return null;
        }
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

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [GeneratedRegex(@"pytorch \S+ threads=\d+ (\d+(?:\.\d+)?) samples/s")]
    private static partial Regex PeerLine();

    [GeneratedRegex(@"step_seconds ([\d.,]+)")]
    private static partial Regex TwinLine();
}
