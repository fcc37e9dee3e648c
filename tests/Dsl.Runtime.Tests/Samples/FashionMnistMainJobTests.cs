using Dsl.Datasets;
using Dsl.Runtime.Tests.Datasets;

namespace Dsl.Runtime.Tests.Samples;

/// <summary>The sample's main job end to end on a tiny dataset; runs alone, since it sets the data variable and the working folder.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class FashionMnistMainJobTests : IDisposable
{
    private readonly IdxTestFiles files = new();
    private readonly string? savedData = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);
    private readonly string savedFolder = Directory.GetCurrentDirectory();

    public void Dispose()
    {
        Directory.SetCurrentDirectory(savedFolder);
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, savedData);
        files.Dispose();
    }

    [Fact]
    public async Task The_main_job_ends_by_fusing_its_sweep_and_saying_whether_fusion_beat_the_best_single_model()
    {
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, files.WriteDataset("tiny", 100, 20, rows: 28, cols: 28));
        Directory.SetCurrentDirectory(files.Root);

        var (code, output, error) = await FashionMnistCommandLineTests.RunAsync([]);

        Assert.True(code == 0, error + output);
        var lines = FashionMnistCommandLineTests.Lines(output);
        // Every trial completes, so the ensembles always have their members (ASHA once left one trial on the full data).
        Assert.Contains(lines, l => l.StartsWith("sweep FashionSweep stopped after", StringComparison.Ordinal) && l.EndsWith(": 4 complete", StringComparison.Ordinal));
        Assert.Contains("main job: ensemble --top 3 --method uniform", lines);
        Assert.Contains("main job: ensemble --top 3 --method weighted", lines);
        Assert.Contains("main job: soup --fine-tune 2 --fine-tune-epochs 1", lines);
        Assert.StartsWith("fusion summary (test accuracy, inference cost): ensemble (uniform) ", lines[^2]);
        Assert.Matches(@"^The best fusion, .+, reached test accuracy \d\.\d{4} and .+ the best single model \(trial \d+, \d\.\d{4}\)", lines[^1]);
        Assert.True(File.Exists(Path.Combine(files.Root, "runs", "FashionSweep", "fusion", "fine-tuned-soup.pt")));
        Assert.Contains("## Fusion", File.ReadAllText(Path.Combine(files.Root, "runs", "FashionSweep", "report.md")));
        // The study file was the run's own.
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $"dsl-main-job-{Environment.ProcessId}-*"));
    }
}
