using System.Text.RegularExpressions;
using Dsl.Reporting;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Sweeps.Output;
using static Dsl.Runtime.Tests.Reporting.ReportTestKit;

namespace Dsl.Runtime.Tests.Reporting;

/// <summary>The example study's report, written once for the tests that only read it.</summary>
public sealed class ExampleReport : IDisposable
{
    private readonly TempReportFolder folder = new();

    public ExampleReport()
    {
        Trials = Study();
        Files = SweepReport.Write(folder.Path, "fashion-lr", Trials, Space, StudyDirection.Minimize, "val_loss");
        Page = File.ReadAllText(Files.Markdown);
    }

    public string Folder => folder.Path;

    public IReadOnlyList<TrialRecord> Trials { get; }

    public SweepReportFiles Files { get; }

    public string Page { get; }

    public void Dispose() => folder.Dispose();
}

public sealed partial class SweepReportTests(ExampleReport example) : IClassFixture<ExampleReport>
{
    [Fact]
    public void Example_study_writes_the_page_and_every_figure_as_a_valid_png()
    {
        var files = example.Files;

        Assert.Equal(example.Folder, files.Directory);
        Assert.Equal(Path.Combine(example.Folder, SweepReport.MarkdownFileName), files.Markdown);
        Assert.True(File.Exists(files.Markdown));
        Assert.Equal(Path.Combine(example.Folder, SweepReport.HistoryFileName), files.History);
        Assert.Equal(Path.Combine(example.Folder, SweepReport.SlicesFileName), files.Slices);
        Assert.Equal(Path.Combine(example.Folder, SweepReport.ParallelFileName), files.Parallel);
        Assert.Equal(Path.Combine(example.Folder, SweepReport.ImportanceFileName), files.Importance);
        Assert.Equal(Path.Combine(example.Folder, SweepReport.IntermediateFileName), files.Intermediate);
        Assert.Equal(5, files.Images.Count());
        foreach (var image in files.Images)
            AssertPng(image);
        Assert.Empty(files.Notes);
        // The loss is 0.15·x² in x = log10(learning_rate) + 3, uniform on [-2, 2]: variance 0.0225·(16/5 − 16/9) ≈ 0.032,
        // against 0.000025 for sgd's 0.01 offset and nothing for the others, so learning_rate explains over 99% of it.
        var scores = files.ImportanceScores.ToDictionary(s => s.Parameter, s => s.Importance);
        Assert.Equal(Space.Select(p => p.Name).Order(), scores.Keys.Order());
        Assert.Equal(Driver, files.ImportanceScores[0].Parameter);
        Assert.InRange(scores[Driver], 0.95, 1.0);
        Assert.All(scores.Where(s => s.Key != Driver), s => Assert.InRange(s.Value, 0, 0.05));
    }

    [Fact]
    public void Example_page_names_the_study_counts_states_and_shows_the_best_trial()
    {
        var best = example.Trials.Where(t => t.State == TrialState.Complete).MinBy(t => t.Value!.Value)!;
        var page = example.Page;

        Assert.StartsWith("# Sweep report: fashion-lr", page);
        Assert.Contains("minimize, smaller is better", page);
        Assert.Contains("| complete | 26 |", page);
        Assert.Contains("| pruned | 3 |", page);
        Assert.Contains("| failed | 1 |", page);
        Assert.Contains("| **total** | **30** |", page);
        var shown = Regex.Match(page, $@"Trial \*\*#{best.Number}\*\* reached `val_loss` = \*\*([0-9.]+)\*\*");
        Assert.True(shown.Success, "The page does not name the best trial and its value.");
        Assert.InRange(double.Parse(shown.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), best.Value!.Value - 1e-5, best.Value!.Value + 1e-5);
        var bestSection = Section(page, "## Best trial");
        foreach (var name in best.Parameters.Keys)
            Assert.Contains($"| `{name}` |", bestSection);
        Assert.Contains("Loss diverged to NaN at epoch 3", Section(page, "## Failed trials"));
    }

    [Fact]
    public void Example_page_has_a_ranked_top_ten_table_the_importance_ranking_and_relative_image_links()
    {
        var ranked = example.Trials.Where(t => t.State == TrialState.Complete).OrderBy(t => t.Value!.Value).Take(10).ToList();
        var page = example.Page;

        var top = Section(page, "## Top 10 trials");
        var rows = top.Split('\n').Where(line => RankRow().IsMatch(line)).ToList();
        Assert.Equal(10, rows.Count);
        for (var rank = 0; rank < 10; rank++)
            Assert.StartsWith($"| {rank + 1} | {ranked[rank].Number} |", rows[rank]);
        Assert.Contains("—", top);

        var importance = Section(page, "## Parameter importance");
        var first = importance.Split('\n').First(line => line.StartsWith("| 1 |", StringComparison.Ordinal));
        Assert.Contains($"`{Driver}`", first);

        foreach (var image in example.Files.Images)
            Assert.Contains($"]({Path.GetFileName(image)})", page);
        Assert.DoesNotContain(example.Folder, page);
        Assert.DoesNotContain("## Notes", page);
    }

    [Fact]
    public void Maximized_study_ranks_the_largest_value_best()
    {
        using var folder = new TempReportFolder();
        var trials = Study().Select(t => t with { Value = t.Value is { } v ? 1 - v : null }).ToList();
        var best = trials.Where(t => t.State == TrialState.Complete).MaxBy(t => t.Value!.Value)!;

        var files = SweepReport.Write(folder.Path, "accuracy", trials, Space, StudyDirection.Maximize, "accuracy");
        var page = File.ReadAllText(files.Markdown);

        Assert.Contains("maximize, larger is better", page);
        Assert.Contains($"Trial **#{best.Number}**", page);
        Assert.Equal(Driver, files.ImportanceScores[0].Parameter);
        foreach (var image in files.Images)
            AssertPng(image);
    }

    [Fact]
    public void Recorded_fusions_get_a_fusion_section_with_their_tables_and_the_verdict()
    {
        using var folder = new TempReportFolder();
        FusionScore Member(int trial, double validation, double test) => new($"trial {trial}", [trial], validation, test, 1);
        var fusions = new[]
        {
            new FusionRecord("ensemble-weighted", [Member(3, 0.90, 0.89), Member(5, 0.88, 0.87)],
                new FusionScore("ensemble (weighted)", [3, 5], 0.91, 0.905, 2), "/runs/a/fusion/ensemble-weighted")
            {
                Notes = ["member weights: trial 3 0.6, trial 5 0.4", "<script>alert(1)</script>"],
            },
            new FusionRecord("soup", [Member(3, 0.90, 0.89), Member(5, 0.88, 0.87)], new FusionScore("greedy soup", [3], 0.90, 0.89, 1), null),
        };

        var files = SweepReport.Write(folder.Path, "accuracy", Study(), Space, StudyDirection.Maximize, "accuracy", fusions);
        var section = Section(File.ReadAllText(files.Markdown), "## Fusion");

        Assert.Contains(
            "The best fusion, ensemble (weighted), reached test accuracy 0.9050 and beat the best single model (trial 3, 0.8900) by 0.0150, at 2x one model's inference cost.",
            section);
        Assert.Contains("### ensemble-weighted", section);
        Assert.Contains("| **ensemble (weighted)** | 3, 5 | 0.9100 | 0.9050 | 2.0x |", section);
        Assert.Contains("| trial 5 | 5 | 0.8800 | 0.8700 | 1.0x |", section);
        Assert.Contains("- member weights: trial 3 0.6, trial 5 0.4", section);
        Assert.Contains("### soup", section);

        // The HTML page shows the same tables, its texts encoded.
        var html = File.ReadAllText(files.Html);
        Assert.Contains("<h2>Fusion</h2>", html);
        Assert.Contains("<p>The best fusion, ensemble (weighted), reached test accuracy 0.9050 and beat the best single model (trial 3, 0.8900) by 0.0150", html);
        Assert.Contains("<h3>ensemble-weighted</h3>", html);
        Assert.Contains("<strong>ensemble (weighted)</strong></td><td>3, 5</td>", html);
        // Both pages show the same accuracies.
        Assert.Contains("<strong>ensemble (weighted)</strong></td><td>3, 5</td><td class=\"num\" data-sort=\"0.91\">0.9100</td>", html);
        Assert.Contains("<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>", html);
        Assert.DoesNotContain("<script>alert(1)", html);

        var plain = SweepReport.Write(folder.Path, "accuracy", Study(), Space, StudyDirection.Maximize);
        Assert.DoesNotContain("## Fusion", File.ReadAllText(plain.Markdown));
        Assert.DoesNotContain("<h2>Fusion</h2>", File.ReadAllText(plain.Html));
    }

    public static TheoryData<string> EdgeCases => new()
    {
        "no trials", "all failed", "single trial", "constant parameter", "conditional never active", "NaN values",
        "no parameters", "undeclared parameters", "running and waiting only", "all values equal", "values out of range",
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Edge_cases_never_throw_and_write_a_page_with_valid_figures(string name)
    {
        using var folder = new TempReportFolder();
        var (trials, space) = EdgeCase(name);

        var files = SweepReport.Write(folder.Path, name, trials, space, StudyDirection.Minimize);

        var page = File.ReadAllText(files.Markdown);
        Assert.StartsWith($"# Sweep report: {name}", page);
        foreach (var image in files.Images)
            AssertPng(image);
        var written = Directory.GetFiles(folder.Path, "*.png").Order().ToList();
        Assert.Equal(files.Images.Order(), written);
        Assert.Equal(files.ImportanceScores.Count > 0, files.Importance is not null);
        if (files.ImportanceScores.Count > 0)
            Assert.Equal(1.0, files.ImportanceScores.Sum(s => s.Importance), 9);
        if (files.Notes.Count == 0)
            Assert.DoesNotContain("## Notes", page);
        else
            Assert.Equal(files.Notes.Count, Section(page, "## Notes").Split('\n').Count(line => line.StartsWith("- ", StringComparison.Ordinal)));
    }

    [Fact]
    public void No_trials_draws_nothing_and_says_why()
    {
        using var folder = new TempReportFolder();

        var files = SweepReport.Write(folder.Path, "empty", [], Space, StudyDirection.Minimize);

        Assert.Empty(files.Images);
        Assert.Empty(files.ImportanceScores);
        Assert.Contains(files.Notes, n => n.Contains("optimisation history is not drawn", StringComparison.Ordinal));
        Assert.Contains(files.Notes, n => n.Contains("Parameter importance is not shown", StringComparison.Ordinal));
        var page = File.ReadAllText(files.Markdown);
        Assert.Contains("| **total** | **0** |", page);
        Assert.Contains("No complete trial has a finite value yet.", page);
        Assert.Contains("## Notes", page);
    }

    [Fact]
    public void All_failed_lists_the_errors_and_draws_nothing()
    {
        using var folder = new TempReportFolder();
        var random = new Random(1);
        var trials = Enumerable.Range(0, 7).Select(i => Failed(i, Sample(random))).ToList();

        var files = SweepReport.Write(folder.Path, "broken", trials, Space, StudyDirection.Minimize);

        Assert.Empty(files.Images);
        var failures = Section(File.ReadAllText(files.Markdown), "## Failed trials");
        Assert.Contains("- Trial 0: `boom`", failures);
        Assert.Contains("… and 2 more.", failures);
    }

    [Fact]
    public void Single_trial_is_drawn_but_has_no_importance()
    {
        using var folder = new TempReportFolder();

        var files = SweepReport.Write(folder.Path, "one", [Study()[0]], Space, StudyDirection.Minimize);

        Assert.NotNull(files.History);
        Assert.NotNull(files.Slices);
        Assert.NotNull(files.Parallel);
        Assert.NotNull(files.Intermediate);
        Assert.Null(files.Importance);
        Assert.Contains(files.Notes, n => n.Contains("at least 2 complete trials", StringComparison.Ordinal));
        Assert.Contains("Trial **#0**", File.ReadAllText(files.Markdown));
    }

    [Fact]
    public void A_heavily_pruned_sweep_ranks_importance_at_the_first_step_every_trial_reached()
    {
        using var folder = new TempReportFolder();
        // As ASHA leaves it: one trial ran to the end, every other one was stopped after its first epoch.
        var trials = Study().Select(t => t.Number == 0 || t.State == TrialState.Failed
            ? t
            : t with { State = TrialState.Pruned, Value = t.IntermediateValues[1], IntermediateValues = new Dictionary<int, double> { [1] = t.IntermediateValues[1] } }).ToList();

        var files = SweepReport.Write(folder.Path, "pruned", trials, Space, StudyDirection.Minimize);

        Assert.NotEmpty(files.ImportanceScores);
        Assert.Equal(Driver, files.ImportanceScores[0].Parameter);
        var importance = Section(File.ReadAllText(files.Markdown), "## Parameter importance");
        Assert.Contains("each trial's `value` at step 1, the last step all 29 complete and pruned trials reported (pruning left 1 complete trial)", importance);
    }

    [Fact]
    public void A_sweep_with_enough_complete_trials_ranks_their_final_values()
    {
        using var folder = new TempReportFolder();

        var files = SweepReport.Write(folder.Path, "mostly-complete", Study(), Space, StudyDirection.Minimize);

        Assert.Contains("Share of the variance in the final `value` of the complete trials", Section(File.ReadAllText(files.Markdown), "## Parameter importance"));
    }

    [Fact]
    public void NaN_and_infinite_values_are_left_out_and_noted()
    {
        using var folder = new TempReportFolder();
        var trials = Study();
        trials[0] = trials[0] with { Value = double.NaN };
        trials[1] = trials[1] with { Value = double.NegativeInfinity };
        trials[2] = trials[2] with { IntermediateValues = new Dictionary<int, double> { [1] = double.NaN, [2] = 0.5 } };

        var files = SweepReport.Write(folder.Path, "nan", trials, Space, StudyDirection.Minimize);

        Assert.Contains(files.Notes, n => n.StartsWith("2 complete trials have no finite value", StringComparison.Ordinal));
        Assert.Equal(5, files.Images.Count());
        var page = File.ReadAllText(files.Markdown);
        Assert.DoesNotContain("Trial **#1**", page);
        Assert.DoesNotContain("∞", page);
    }

    [Fact]
    public void Values_that_cannot_be_placed_on_their_axis_are_noted()
    {
        using var folder = new TempReportFolder();
        var (trials, space) = EdgeCase("values out of range");

        var files = SweepReport.Write(folder.Path, "odd", trials, space, StudyDirection.Minimize);

        Assert.Contains(files.Notes, n => n.StartsWith($"5 values of '{Driver}' could not be placed on its log axis", StringComparison.Ordinal));
        Assert.DoesNotContain(files.Notes, n => n.Contains("'batch_size'", StringComparison.Ordinal));
        Assert.Equal(5, files.Images.Count());
    }

    [Fact]
    public void Rewriting_a_folder_removes_figures_the_new_report_does_not_draw()
    {
        using var folder = new TempReportFolder();
        SweepReport.Write(folder.Path, "first", Study(), Space, StudyDirection.Minimize);
        Assert.Equal(5, Directory.GetFiles(folder.Path, "*.png").Length);

        var files = SweepReport.Write(folder.Path, "second", [Study()[0]], Space, StudyDirection.Minimize);

        Assert.False(File.Exists(Path.Combine(folder.Path, SweepReport.ImportanceFileName)));
        Assert.Equal(files.Images.Order(), Directory.GetFiles(folder.Path, "*.png").Order());
    }

    [Fact]
    public void Markdown_characters_in_names_are_escaped()
    {
        using var folder = new TempReportFolder();
        var trials = Study(10).Select(t => t with
        {
            Parameters = t.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value is "adam" ? (object)"a|b*c" : kv.Value),
        }).ToList();
        var space = new SearchSpace(Space.Select(p => p is CategoricalParameter c ? c with { Choices = ["sgd", "a|b*c"] } : p));

        var files = SweepReport.Write(folder.Path, "my *bold* | study", trials, space, StudyDirection.Minimize, "loss|x");
        var page = File.ReadAllText(files.Markdown);

        Assert.StartsWith(@"# Sweep report: my \*bold\* \| study", page);
        Assert.Contains(@"a\|b\*c", page);
        Assert.DoesNotContain("a|b", page);
        var header = page.Split('\n').First(line => line.StartsWith("| rank | trial |", StringComparison.Ordinal));
        Assert.Contains(@"`loss\|x`", header);
        Assert.Equal(3 + Space.Count + 1, UnescapedPipe().Count(header));
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        Assert.ThrowsAny<ArgumentException>(() => SweepReport.Write(" ", "s", [], Space, StudyDirection.Minimize));
        Assert.Throws<ArgumentNullException>(() => SweepReport.Write("x", "s", null!, Space, StudyDirection.Minimize));
        Assert.Throws<ArgumentNullException>(() => SweepReport.Write("x", "s", [], null!, StudyDirection.Minimize));
    }

    internal static (List<TrialRecord> Trials, SearchSpace Space) EdgeCase(string name)
    {
        var random = new Random(11);
        switch (name)
        {
            case "no trials":
                return ([], Space);
            case "all failed":
                return (Enumerable.Range(0, 4).Select(i => Failed(i, Sample(random))).ToList(), Space);
            case "single trial":
                return ([Study()[0]], Space);
            case "constant parameter":
                return (Study().Select(t => t with { Parameters = With(t.Parameters, "batch_size", 64L) }).ToList(), Space);
            case "conditional never active":
                return (Study().Select(t => t with
                {
                    Parameters = t.Parameters.Where(kv => kv.Key != "momentum")
                        .ToDictionary(kv => kv.Key, kv => kv.Key == "optimizer" ? (object)"adam" : kv.Value),
                }).ToList(), Space);
            case "NaN values":
                return (Study().Select((t, i) => i % 3 == 0
                    ? t with
                    {
                        Value = double.NaN,
                        IntermediateValues = new Dictionary<int, double> { [1] = double.NaN },
                        Parameters = With(t.Parameters, Driver, double.NaN),
                    }
                    : t).ToList(), Space);
            case "no parameters":
                return (Study().Select(t => t with { Parameters = new Dictionary<string, object>() }).ToList(), SearchSpace.Empty);
            case "undeclared parameters":
                return (Study().Select(t => t with { Parameters = With(t.Parameters, "seed", (long)t.Number % 3) }).ToList(),
                    SearchSpace.Empty);
            case "running and waiting only":
                return ([
                    new TrialRecord(0, TrialState.Running, Sample(random), null, new Dictionary<int, double> { [1] = 0.7 }),
                    new TrialRecord(1, TrialState.Waiting, Sample(random), null, new Dictionary<int, double>()),
                ], Space);
            case "all values equal":
                return (Study().Select(t => t with { Value = t.Value is null ? null : 0.5 }).ToList(), Space);
            case "values out of range":
                // A store may hold values from before the space was narrowed, or spelled as strings.
                return (Study().Select(t => t with
                {
                    Parameters = With(With(t.Parameters, "batch_size", t.Number % 2 == 0 ? 4096L : "32"), Driver,
                        t.Number % 5 == 0 ? -1.0 : t.Parameters[Driver]),
                }).ToList(), Space);
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    private static Dictionary<string, object> With(IReadOnlyDictionary<string, object> parameters, string key, object value) =>
        new(parameters) { [key] = value };

    /// <summary>The text from a heading to the next heading of the same level.</summary>
    private static string Section(string page, string heading)
    {
        var start = page.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The page has no '{heading}' section.");
        var end = page.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? page[start..] : page[start..end];
    }

    [GeneratedRegex(@"^\| \d+ \| \d+ \|")]
    private static partial Regex RankRow();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();
}
