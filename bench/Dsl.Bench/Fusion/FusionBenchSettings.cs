using System.Globalization;

namespace Dsl.Bench.Fusion;

/// <summary>The fusion benchmark's options: the full recipe by default, a wiring check with <c>--smoke</c>.</summary>
/// <param name="Data">The Fashion-MNIST folder or <c>embedded</c>; null for the usual lookup (DSL_FASHION_MNIST_DIR, then the Debian package).</param>
/// <param name="Trials">How many trials the study should hold.</param>
/// <param name="Epochs">Epochs per trial.</param>
/// <param name="Top">How many of the best complete trials the ensembles fuse.</param>
/// <param name="SwaEpochs">Epochs of stochastic weight averaging continued from the best trial's checkpoint.</param>
/// <param name="BudgetMinutes">No trial starts unless it and the fusion that follows are expected to end within this.</param>
/// <param name="Jobs">Trials trained in parallel.</param>
/// <param name="Output">Folder of the study and its checkpoints; an existing study there is continued, not restarted.</param>
/// <param name="FineTuneVariants">Variants fine-tuned from the best trial's checkpoint, the greedy soup's ingredients with it.</param>
/// <param name="FineTuneEpochs">Epochs per fine-tuned variant.</param>
public sealed record FusionBenchSettings(
    string? Data, int Trials, int Epochs, int Top, int SwaEpochs, double BudgetMinutes, int Jobs, string? Output,
    int FineTuneVariants, int FineTuneEpochs)
{
    /// <summary>The recipe of bench/RESULTS.md's Fusion section.</summary>
    public static FusionBenchSettings Full { get; } = new(null, Trials: 6, Epochs: 10, Top: 5, SwaEpochs: 3, BudgetMinutes: 45, Jobs: 1, Output: null, FineTuneVariants: 4, FineTuneEpochs: 1);

    /// <summary>The same stages on the embedded 6,000/1,000 subset, 3 trials of 1 epoch, top 3, 1 SWA epoch: checks the wiring in minutes.</summary>
    public static FusionBenchSettings Smoke { get; } = new("embedded", Trials: 3, Epochs: 1, Top: 3, SwaEpochs: 1, BudgetMinutes: 45, Jobs: 1, Output: null, FineTuneVariants: 2, FineTuneEpochs: 1);

    /// <summary>Reads <c>[--smoke] [--data DIR|embedded] [--trials N] [--epochs N] [--top N] [--swa-epochs N] [--budget-minutes M] [--jobs N] [--output DIR] [--fine-tune N] [--fine-tune-epochs N]</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option, or a value that is missing or out of range.</exception>
    public static FusionBenchSettings Parse(string[] args)
    {
        var settings = args.Contains("--smoke") ? Smoke : Full;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--smoke") continue;
            var name = args[i];
            var value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"fusion: {name} needs a value.");
            settings = name switch
            {
                "--data" => settings with { Data = value },
                "--trials" => settings with { Trials = AtLeast(name, value, 1) },
                "--epochs" => settings with { Epochs = AtLeast(name, value, 1) },
                "--top" => settings with { Top = AtLeast(name, value, 2) },
                "--swa-epochs" => settings with { SwaEpochs = AtLeast(name, value, 1) },
                "--budget-minutes" => settings with { BudgetMinutes = double.TryParse(value, CultureInfo.InvariantCulture, out var m) && m > 0 ? m : throw new ArgumentException($"fusion: --budget-minutes expects a positive number of minutes, but got '{value}'.") },
                "--jobs" => settings with { Jobs = AtLeast(name, value, 1) },
                "--output" => settings with { Output = value },
                "--fine-tune" => settings with { FineTuneVariants = AtLeast(name, value, 1) },
                "--fine-tune-epochs" => settings with { FineTuneEpochs = AtLeast(name, value, 1) },
                _ => throw new ArgumentException(
                    $"fusion: unknown option '{name}'; expected --smoke, --data, --trials, --epochs, --top, --swa-epochs, --budget-minutes, --jobs, --output, --fine-tune or --fine-tune-epochs."),
            };
        }
        return settings;
    }

    private static int AtLeast(string name, string value, int least) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= least
            ? n
            : throw new ArgumentException($"fusion: {name} expects a whole number of at least {least}, but got '{value}'.");
}
