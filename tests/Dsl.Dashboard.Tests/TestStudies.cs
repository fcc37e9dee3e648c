using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Tests;

/// <summary>Tiny studies written straight through the store API: no training, a few milliseconds each.</summary>
internal static class TestStudies
{
    public const string Demo = "demo";
    public const string Hostile = "<script>alert('study')</script>";
    public const string HostileError = "<script>alert('error')</script> & \"quotes\"";

    /// <summary>A folder under the test output that each test owns.</summary>
    public static string NewFolder(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "work", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// Fills <paramref name="storage"/> with study <see cref="Demo"/> (complete, pruned, failed and running trials with
    /// learning curves, a checkpoint with its sidecar, fusion results) and a study with a hostile name.
    /// </summary>
    public static async Task WriteAsync(IStudyStorage storage, string artifactsRoot, int trials = 12)
    {
        await storage.CreateOrOpenStudyAsync(new StudyDefinition(Demo, StudyDirection.Minimize));
        for (var i = 0; i < trials; i++)
        {
            var worker = "worker-" + (i % 2);
            var number = await AddAsync(storage, Demo, worker, i);
            var value = 1.0 / (1 + i % 7) + 0.01 * i;
            for (var step = 0; step < 3; step++) await storage.ReportIntermediateValueAsync(Demo, number, step, value + 0.3 / (step + 1));
            var result = (i % 6) switch
            {
                4 => TrialResult.Pruned(),
                5 => TrialResult.Failed(HostileError),
                _ => TrialResult.Complete(value),
            };
            var attributes = new Dictionary<string, string> { ["seed"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (i == 0)
            {
                attributes["checkpoint"] = WriteCheckpoint(artifactsRoot, Demo, number);
                attributes["confusion_matrix"] = "[[5,1,0],[0,6,1],[1,0,7]]";
            }
            await storage.FinishTrialAsync(Demo, number, result with { Attributes = attributes });
        }
        // One trial still running, with its first epoch reported.
        var running = await AddAsync(storage, Demo, "worker-live", trials);
        await storage.ReportIntermediateValueAsync(Demo, running, 0, 0.9);
        await storage.SetStudyAttributeAsync(Demo, "fusion:soup",
            """{"method":"greedy soup","members":[{"trial":0,"accuracy":0.91},{"trial":2,"accuracy":0.9}],"accuracy":0.92,"note":"<b>not bold</b>"}""");

        await storage.CreateOrOpenStudyAsync(new StudyDefinition(Hostile, StudyDirection.Maximize));
        var hostile = await storage.ClaimTrialAsync(Hostile, "w", (_, _) => new Dictionary<string, object> { ["<img src=x onerror=alert(1)>"] = "<b>x</b>" });
        await storage.FinishTrialAsync(Hostile, hostile.Number, TrialResult.Failed(HostileError));
    }

    /// <summary>Claims a trial with parameters derived from <paramref name="i"/>.</summary>
    public static async Task<int> AddAsync(IStudyStorage storage, string study, string worker, int i)
    {
        var claim = await storage.ClaimTrialAsync(study, worker, (_, _) => new Dictionary<string, object>
        {
            ["lr"] = Math.Pow(10, -1 - (i % 4)),
            ["layers"] = (long)(1 + i % 3),
            ["optimizer"] = i % 2 == 0 ? "adam" : "sgd",
        });
        return claim.Number;
    }

    /// <summary>Writes a fake checkpoint and its sidecar where a sweep keeps them: &lt;root&gt;/&lt;study&gt;/trials/&lt;n&gt;/model.pt.</summary>
    public static string WriteCheckpoint(string artifactsRoot, string study, int number)
    {
        var folder = Path.Combine(artifactsRoot, study, "trials", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "model.pt");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        File.WriteAllText(path + ".json", """{"format":"dsl-checkpoint","metrics":{"accuracy":0.91,"loss":0.3}}""");
        return path;
    }
}
