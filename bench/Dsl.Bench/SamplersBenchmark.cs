using System.Diagnostics;
using System.Globalization;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Bench;

/// <summary>
/// Our samplers against Optuna 3.1 on the objectives of peers/optuna_synthetic.py: the median over seeds of the best
/// value's regret after a fixed number of trials, and the sampler's cost per trial. The peer runs in the same invocation.
/// </summary>
/// <remarks>Arguments: <c>--trials N</c> (60), <c>--seeds N</c> (10, seeds 0 … N−1), <c>--no-peer</c>.</remarks>
public sealed class SamplersBenchmark : IBenchmark
{
    private const string PeerScript = "optuna_synthetic.py";

    /// <inheritdoc />
    public string Name => "samplers";

    /// <inheritdoc />
    public string Description => "TPE (and random, CMA-ES, Halton) vs Optuna 3.1: median regret on Branin, Hartmann-6, mixed; ms per trial";

    /// <inheritdoc />
    public IEnumerable<BenchResult> Run(string[] args)
    {
        var trials = IntOption(args, "--trials", 60);
        var seeds = IntOption(args, "--seeds", 10);
        var runPeer = !args.Contains("--no-peer");

        var samplers = new (string Name, Func<int, ISampler> Create)[]
        {
            ("tpe", seed => Samplers.Tpe(seed)),
            ("random", seed => Samplers.Random(seed)),
            ("cmaes", seed => Samplers.CmaEs(seed)),
            ("halton", seed => Samplers.Halton(seed)),
        };

        // JIT and first-call costs would otherwise land in the first timed study.
        foreach (var (_, create) in samplers)
            foreach (var objective in SamplersObjectives.All)
                RunStudy(create(12345), objective, Math.Min(trials, 20));

        var ours = new Dictionary<(string Sampler, string Objective), (double Regret, double MsPerTrial)>();
        foreach (var (name, create) in samplers)
        {
            foreach (var objective in SamplersObjectives.All)
            {
                var regrets = new List<double>();
                var clock = Stopwatch.StartNew();
                for (var seed = 0; seed < seeds; seed++) regrets.Add(RunStudy(create(seed), objective, trials) - objective.Optimum);
                clock.Stop();
                ours[(name, objective.Name)] = (Median(regrets), clock.Elapsed.TotalMilliseconds / (seeds * trials));
            }
        }

        var peer = runPeer ? RunPeer(trials, seeds) : null;
        if (!runPeer) Console.Error.WriteLine("samplers: --no-peer given; peer figures are null.");

        foreach (var (name, _) in samplers)
        {
            foreach (var objective in SamplersObjectives.All)
            {
                double? peerRegret = peer is not null && peer.TryGetValue((name, objective.Name), out var p) ? p.MedianBest - objective.Optimum : null;
                yield return new BenchResult($"{name}_{objective.Name}_regret", ours[(name, objective.Name)].Regret, peerRegret, "regret");
            }
            var ourCost = SamplersObjectives.All.Average(o => ours[(name, o.Name)].MsPerTrial);
            double? peerCost = peer is not null && SamplersObjectives.All.All(o => peer.ContainsKey((name, o.Name)))
                ? SamplersObjectives.All.Average(o => peer[(name, o.Name)].MsPerTrial)
                : null;
            yield return new BenchResult($"{name}_overhead_ms_per_trial", ourCost, peerCost, "ms/trial");
        }
    }

    /// <summary>Runs one sequential study and returns its best value.</summary>
    private static double RunStudy(ISampler sampler, Objective objective, int trials)
    {
        var history = new List<TrialRecord>(trials);
        var best = double.PositiveInfinity;
        for (var number = 0; number < trials; number++)
        {
            var parameters = sampler.Sample(objective.Space, history, StudyDirection.Minimize);
            var value = objective.Evaluate(parameters);
            best = Math.Min(best, value);
            history.Add(new TrialRecord(number, TrialState.Complete, parameters, value, new Dictionary<int, double>()));
        }
        return best;
    }

    /// <summary>Runs the Optuna peer and parses its lines, or returns null (with the reason on stderr) when it cannot run.</summary>
    private static Dictionary<(string Sampler, string Objective), (double MedianBest, double MsPerTrial)>? RunPeer(int trials, int seeds)
    {
        var script = FindPeerScript();
        if (script is null)
        {
            Console.Error.WriteLine($"samplers: peer script {PeerScript} not found beside the repository (../shared/peers/); peer figures are null.");
            return null;
        }
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(trials.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(seeds.ToString(CultureInfo.InvariantCulture));
        Console.Error.WriteLine($"samplers: running peer: {python} {script} {trials} {seeds}");
        string output, errors;
        int exitCode;
        try
        {
            using var process = Process.Start(start)!;
            var errorTask = process.StandardError.ReadToEndAsync();
            output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            errors = errorTask.Result;
            exitCode = process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"samplers: cannot start {python} ({e.Message}); peer figures are null.");
            return null;
        }
        if (exitCode != 0)
        {
            var reason = errors.Contains("No module named 'optuna'", StringComparison.Ordinal)
                ? "python3-optuna is not installed"
                : $"it exited with code {exitCode}: {errors.Trim().Split('\n').LastOrDefault()}";
            Console.Error.WriteLine($"samplers: the Optuna peer did not run ({reason}); peer figures are null.");
            return null;
        }

        var results = new Dictionary<(string, string), (double, double)>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "branin     tpe    trials=60 median_best=0.5041 per_trial_ms=8.03"
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5) continue;
            var values = fields.Skip(2).Select(f => f.Split('=')).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
            if (values.TryGetValue("median_best", out var best) && values.TryGetValue("per_trial_ms", out var ms))
                results[(fields[1], fields[0])] = (double.Parse(best, CultureInfo.InvariantCulture), double.Parse(ms, CultureInfo.InvariantCulture));
        }
        if (results.Count == 0)
        {
            Console.Error.WriteLine("samplers: the Optuna peer printed nothing this benchmark understands; peer figures are null.");
            return null;
        }
        return results;
    }

    private static string? FindPeerScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Dsl.sln"))) continue;
                // CI clones the repository beside shared/; a checkout may also carry shared/ inside it.
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "..", "shared", "peers", PeerScript), Path.Combine(dir.FullName, "shared", "peers", PeerScript) })
                    if (File.Exists(candidate)) return Path.GetFullPath(candidate);
                break;
            }
        }
        return null;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
