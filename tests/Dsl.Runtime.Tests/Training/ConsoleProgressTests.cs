using System.Text.RegularExpressions;
using Dsl.Training;
using Spectre.Console;

namespace Dsl.Runtime.Tests.Training;

[Collection(TorchTrainingCollection.Name)]
public sealed class ConsoleProgressTests
{
    [Theory]
    [InlineData(true, null, true, false)]
    [InlineData(false, "true", true, false)]
    [InlineData(false, "1", true, false)]
    [InlineData(false, "false", true, true)]
    [InlineData(false, null, true, true)]
    [InlineData(false, null, false, false)]
    public void Live_bars_only_on_an_interactive_terminal_outside_ci(bool redirected, string? ci, bool interactive, bool live)
    {
        Assert.Equal(live, ConsoleProgress.ShouldRenderLive(redirected, ci, interactive));
    }

    [Fact]
    public void Redirected_output_gets_one_plain_line_per_epoch()
    {
        using var train = Synthetic.Blobs(60, seed: 1);
        using var validation = Synthetic.Blobs(30, seed: 2);
        using var model = new TinyNet();
        var output = new StringWriter();

        new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 32, LearningRate = 0.01 })
            .Fit(model, train, validation, ConsoleProgress.Plain(output, "tiny"));

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("tiny: 60 samples (+30 validation), epochs 1..2, 2 batches each, on cpu", lines[0]);
        Assert.Matches(new Regex(@"^epoch 1/2: loss \d+\.\d{4}, val loss \d+\.\d{4}, val acc \d\.\d{4}, val F1 \d\.\d{4}, lr 0\.01, \d+ samples/s, \d+\.\ds$"), lines[1]);
        Assert.StartsWith("epoch 2/2: ", lines[2]);
        Assert.Equal("tiny: Completed after 2 epoch(s)", lines[3]);
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    [Fact]
    public void Plain_output_says_why_a_run_stopped()
    {
        using var train = Synthetic.Blobs(30, seed: 3);
        using var model = new TinyNet();
        var output = new StringWriter();

        new Trainer(new TrainingOptions { Epochs = 5 }).Fit(model, train, null,
            TrainingCallbacks.Combine(ConsoleProgress.Plain(output), TrainingCallbacks.OnEpochEnd(_ => EpochDecision.Prune)));

        Assert.EndsWith($"training: Pruned after 1 epoch(s): Pruned by a callback after epoch 1.{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public void Live_progress_renders_to_an_interactive_console_and_finishes()
    {
        using var train = Synthetic.Blobs(60, seed: 4);
        using var model = new TinyNet();
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        var progress = ConsoleProgress.Live(console, "live");

        var result = new Trainer(new TrainingOptions { Epochs = 2, BatchSize = 16 }).Fit(model, train, null, progress);

        Assert.True(progress.IsLive);
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Contains("epoch 2/2", writer.ToString());
        Assert.Contains("live: Completed after 2 epoch(s)", writer.ToString());
    }
}
