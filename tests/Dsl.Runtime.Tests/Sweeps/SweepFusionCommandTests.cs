using Dsl.Checkpoints;
using Dsl.CommandLine;
using Dsl.ModelFusion.Ensembles;
using Dsl.Runtime.Tests.Training;
using Dsl.Search;
using Dsl.Sweeps.Output;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>A tiny classifier whose sweep varies only its dropout, so every trial shares one architecture and the trials can be souped.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 3)]
public partial class FixedWidthNet
{
    [Dsl.Hyperparameter(0.0, 0.3, Default = 0.1)]
    public partial double DropoutRate { get; }

    [Dsl.Linear(8), Dsl.BatchNorm1d, Dsl.Activate(Dsl.Activation.ReLU), Dsl.Dropout(nameof(DropoutRate)), Dsl.Linear(3)]
    public partial Tensor Forward(Tensor x);
}

/// <summary>The ensemble and soup commands: a study's kept checkpoints fused, tabled and saved from the command line.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class SweepFusionCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Ensemble_and_soup_fuse_a_studys_kept_checkpoints_and_save_what_they_print()
    {
        var db = folder.File("fusion.db");
        var (code, _, error) = await RunAsync(["sweep", "--trials", "4", "--epochs", "1", "--storage", db, "--output", folder.Path, "--keep-checkpoints", "all"]);
        Assert.True(code == 0, error);
        var output = folder.File("fused");

        foreach (var method in new[] { "uniform", "stacking" })
        {
            (code, var printed, error) = await RunAsync(["ensemble", "--storage", db, "--top", "4", "--method", method, "--output", output]);
            Assert.True(code == 0, error);
            Assert.Equal(4, MemberRows(printed).Count);
            var row = Assert.Single(Rows(printed, $"ensemble ({method})"));
            Assert.Equal("4.0", row[^1]);
            var path = Path.Combine(output, $"ensemble-{method}");
            Assert.True(File.Exists(Path.Combine(path, "ensemble.json")));

            using var loaded = Ensemble.Load(path);
            using var data = SweepKit.Data(test: true);
            var validation = new Trainer(new TrainingOptions()).Evaluate((nn.Module<Tensor, Tensor>)loaded.Module, data.Validation);
            // Stacking's meta-learner was fitted on that validation data: the table shows its cross-fitted accuracy instead.
            var shown = method == "stacking" ? loaded.Validation!.Accuracy : validation.Accuracy;
            Assert.Equal(row[2], SweepText.Value(shown));
        }

        // Each fusion is recorded in the study, as reports and dashboards read it.
        await using (var storage = Dsl.Studies.StudyStorage.Open(db, readOnly: true))
        {
            var records = FusionRecord.FromAttributes(await storage.GetStudyAttributesAsync("TinySweep"));
            Assert.Equal(["ensemble-stacking", "ensemble-uniform"], records.Select(r => r.Method));
            Assert.All(records, r => Assert.Equal(4, r.Members.Count));
            Assert.All(records, r => Assert.Equal(4.0, r.Fusion.InferenceCost));
            Assert.All(records, r => Assert.NotNull(r.Fusion.TestAccuracy));
            Assert.Equal(Path.Combine(output, "ensemble-uniform"), records[1].Artifact);
        }

        // The trials' widths differ, so their weights cannot be averaged.
        (code, _, error) = await RunAsync(["soup", "--storage", db, "--top", "4", "--output", output]);
        Assert.Equal(SweepCommandLine.FailureExitCode, code);
        Assert.StartsWith("error: Model ", error);
        Assert.Contains("a soup averages models of one architecture.", error);
    }

    [Fact]
    public async Task Soup_averages_a_studys_kept_checkpoints_of_one_architecture_and_saves_soup_pt()
    {
        var db = folder.File("soup.db");
        var (code, _, error) = await RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters>(
            ["sweep", "--trials", "4", "--epochs", "1", "--storage", db, "--output", folder.Path, "--keep-checkpoints", "all"]);
        Assert.True(code == 0, error);

        (code, var printed, error) = await RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters>(["soup", "--storage", db, "--top", "4", "--output", folder.Path]);
        Assert.True(code == 0, error);
        Assert.Equal(4, MemberRows(printed).Count);
        Assert.Equal("1.0", Assert.Single(Rows(printed, "greedy soup"))[^1]);
        Assert.Equal(4, printed.Split('\n').Count(line => line.StartsWith("soup step: trial", StringComparison.Ordinal)));
        var path = Path.Combine(folder.Path, "soup.pt");
        using var soup = Checkpoint.Load<FixedWidthNet, FixedWidthNet.Hyperparameters>(path);
    }

    [Fact]
    public async Task Soup_with_fine_tune_soups_the_best_trial_with_its_variants_and_a_rerun_reuses_them()
    {
        var db = folder.File("fine.db");
        var (code, _, error) = await RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters>(
            ["sweep", "--trials", "2", "--epochs", "1", "--storage", db, "--output", folder.Path]);
        Assert.True(code == 0, error);

        string[] soup = ["soup", "--storage", db, "--fine-tune", "2", "--fine-tune-epochs", "1"];
        (code, var printed, error) = await RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters>(soup);
        Assert.True(code == 0, error);
        Assert.Single(MemberRows(printed));
        Assert.Single(Rows(printed, "fine-tuned 0"));
        Assert.Single(Rows(printed, "fine-tuned 1"));
        Assert.Equal("1.0", Assert.Single(Rows(printed, "fine-tuned soup"))[^1]);
        Assert.Contains("fine-tuning variant 2/2 1/1: epoch 1/1", printed);
        Assert.Contains("The best fusion, fine-tuned soup, reached test accuracy ", printed);
        // The default fusion folder is the sweep's output folder's fusion/.
        var fusion = Path.Combine(folder.Path, "fusion");
        Assert.True(File.Exists(Path.Combine(fusion, "fine-tune", "1", "model.pt")));
        using (Checkpoint.Load<FixedWidthNet, FixedWidthNet.Hyperparameters>(Path.Combine(fusion, "fine-tuned-soup.pt")))
        {
        }

        (code, printed, error) = await RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters>(soup);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("fine-tuning variant", printed);
        Assert.Single(Rows(printed, "fine-tuned 1"));
        await using var storage = Dsl.Studies.StudyStorage.Open(db, readOnly: true);
        var record = Assert.Single(FusionRecord.FromAttributes(await storage.GetStudyAttributesAsync("TinySweep")));
        Assert.Equal("fine-tuned-soup", record.Method);
        Assert.Equal(3, record.Members.Count);
        // The sweep's report is written again with the study's fusions.
        Assert.Contains($"report: {Path.Combine(folder.Path, "report.md")}", printed);
        Assert.Contains("### fine-tuned-soup", File.ReadAllText(Path.Combine(folder.Path, "report.md")));
    }

    [Fact]
    public async Task Ctrl_C_while_fine_tuning_exits_130_and_the_same_command_resumes_from_the_finished_variants()
    {
        var db = folder.File("interrupted.db");
        var (code, _, error) = await RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters>(
            ["sweep", "--trials", "1", "--epochs", "1", "--storage", db, "--output", folder.Path]);
        Assert.True(code == 0, error);
        string[] soup = ["soup", "--storage", db, "--fine-tune", "2", "--fine-tune-epochs", "1"];

        // Ctrl-C as the second variant starts training.
        using var ctrlC = new CancellationTokenSource();
        using var output = new CancelOnLine("fine-tuning variant 2/2...", ctrlC);
        using var errors = new StringWriter();
        code = await SweepCommandLine.RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters, TinyTraining>(
            SweepKit.Definition(), soup, () => SweepKit.Data(test: true), output, errors, ctrlC.Token);
        Assert.Equal(SweepCommandLine.InterruptedExitCode, code);
        Assert.StartsWith("error: interrupted; finished fine-tuned variants are kept", errors.ToString());

        (code, var printed, error) = await RunAsync<FixedWidthNet, FixedWidthNet.Hyperparameters>(soup);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("fine-tuning variant 1/2", printed);
        Assert.Contains("fine-tuning variant 2/2 1/1: epoch 1/1", printed);
        Assert.Single(Rows(printed, "fine-tuned soup"));
    }

    /// <summary>Plain output that stands for Ctrl-C when a line starting with <paramref name="trigger"/> is written.</summary>
    private sealed class CancelOnLine(string trigger, CancellationTokenSource ctrlC) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.StartsWith(trigger, StringComparison.Ordinal)) ctrlC.Cancel();
        }
    }

    [Fact]
    public async Task Fusing_a_study_with_one_kept_checkpoint_fails_with_one_line()
    {
        var db = folder.File("one.db");
        var (code, _, error) = await RunAsync(["sweep", "--trials", "1", "--epochs", "1", "--storage", db, "--output", folder.Path]);
        Assert.True(code == 0, error);

        foreach (var command in new[] { "ensemble", "soup" })
        {
            (code, var printed, error) = await RunAsync([command, "--storage", db]);
            Assert.Equal(SweepCommandLine.FailureExitCode, code);
            Assert.Equal(
                "error: study 'TinySweep' has 1 complete trial(s) with a kept checkpoint, but fusing needs at least 2; " +
                "run the sweep with --keep-checkpoints <n> or --keep-checkpoints all to keep more.",
                error.TrimEnd());
            Assert.Empty(printed);
        }
    }

    /// <summary>The printed table's rows of members (named "trial &lt;n&gt;").</summary>
    private static List<string[]> MemberRows(string printed) =>
    [
        .. printed.Split('\n')
            .Select(line => line.Split('|').Select(c => c.Trim()).ToArray())
            .Where(cells => cells.Length > 2 && cells[1].StartsWith("trial ", StringComparison.Ordinal) && cells[1] != "trial")
            .Select(cells => cells[1..^1]),
    ];

    /// <summary>The cells of the printed table's rows whose first cell is <paramref name="model"/>.</summary>
    private static List<string[]> Rows(string printed, string model) =>
    [
        .. printed.Split('\n')
            .Select(line => line.Split('|').Select(c => c.Trim()).ToArray())
            .Where(cells => cells.Length > 2 && cells[1] == model)
            .Select(cells => cells[1..^1]),
    ];

    private static Task<(int Code, string Output, string Error)> RunAsync(string[] args) => RunAsync<SweepNet, SweepNet.Hyperparameters>(args);

    private static async Task<(int Code, string Output, string Error)> RunAsync<TModel, TModelHp>(string[] args)
        where TModel : nn.Module, IGeneratedModel<TModel, TModelHp>
        where TModelHp : IHyperparameters<TModelHp>
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SweepCommandLine.RunAsync<TModel, TModelHp, TinyTraining>(
            SweepKit.Definition(), args, () => SweepKit.Data(test: true), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
