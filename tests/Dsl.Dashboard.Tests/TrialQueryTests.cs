using Dsl.Dashboard.Data;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Tests;

/// <summary>The trial table's sort, straight on a snapshot: no server.</summary>
public sealed class TrialQueryTests
{
    private static StudySnapshot Study(params double?[] values)
    {
        var empty = new Dictionary<int, double>();
        var trials = values.Select((v, i) => new TrialRecord(i, v is null ? TrialState.Failed : TrialState.Complete,
            new Dictionary<string, object>(), v, empty)).ToList();
        var summary = new StudySummary("s", StudyDirection.Maximize, DateTimeOffset.UnixEpoch, new Dictionary<TrialState, int>(), null, null);
        return new StudySnapshot(summary, trials, new Dictionary<string, string>());
    }

    private static TrialQuery ByValue(bool descending) =>
        new(null, null, null, null, null, "value", descending, 0, TrialQuery.DefaultPageSize);

    [Fact]
    public void Missing_values_sort_last_both_ways()
    {
        var study = Study(null, 0.5, null, 0.9, 0.1);
        Assert.Equal(new[] { 3, 1, 4, 2, 0 }, ByValue(descending: true).Apply(study).Select(t => t.Number));
        Assert.Equal(new[] { 4, 1, 3, 0, 2 }, ByValue(descending: false).Apply(study).Select(t => t.Number));
    }
}

/// <summary>The importance chart's cache key.</summary>
public sealed class StudyChartsTests
{
    [Fact]
    public void The_importance_key_changes_when_complete_trials_change_but_not_their_count()
    {
        static StudySnapshot Study(double value)
        {
            var trials = new List<TrialRecord> { new(0, TrialState.Complete, new Dictionary<string, object> { ["x"] = 1.0 }, value, new Dictionary<int, double>()) };
            var summary = new StudySummary("s", StudyDirection.Minimize, DateTimeOffset.UnixEpoch, new Dictionary<TrialState, int>(), null, null);
            return new StudySnapshot(summary, trials, new Dictionary<string, string>());
        }

        Assert.Equal(Charts.StudyCharts.CacheKey(Study(0.5), "importance"), Charts.StudyCharts.CacheKey(Study(0.5), "importance"));
        Assert.NotEqual(Charts.StudyCharts.CacheKey(Study(0.5), "importance"), Charts.StudyCharts.CacheKey(Study(0.7), "importance"));
    }
}
