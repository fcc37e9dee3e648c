using System.Globalization;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Dashboard.Data;

/// <summary>One study as read at one moment: its summary, trials and attributes, with what every page derives from them.</summary>
internal sealed class StudySnapshot
{
    public StudySnapshot(StudySummary summary, IReadOnlyList<TrialRecord> trials, IReadOnlyDictionary<string, string> attributes)
    {
        Summary = summary;
        Trials = trials;
        Attributes = attributes;
        ByNumber = trials.ToDictionary(t => t.Number);
        ParameterNames = trials.SelectMany(t => t.Parameters.Keys).Distinct(StringComparer.Ordinal).ToList();
        LastActivity = trials.Select(t => Latest(t.FinishedAt, t.StartedAt)).Max();
        Revision = ComputeRevision(trials, attributes);
    }

    public StudySummary Summary { get; }
    public string Name => Summary.Name;
    public StudyDirection Direction => Summary.Direction;
    public IReadOnlyList<TrialRecord> Trials { get; }
    public IReadOnlyDictionary<int, TrialRecord> ByNumber { get; }
    public IReadOnlyDictionary<string, string> Attributes { get; }

    /// <summary>Every parameter any trial has, in the order they first appear.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>When a trial last started or finished.</summary>
    public DateTimeOffset? LastActivity { get; }

    /// <summary>Changes whenever a trial is added, changes state or value, reports a step or gains an attribute, or the study's attributes change.</summary>
    public string Revision { get; }

    /// <summary>The complete trials with a finite value, best first (lowest number on ties).</summary>
    public IReadOnlyList<TrialRecord> Ranked => ranked ??= Trials
        .Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v))
        .OrderBy(t => Direction == StudyDirection.Maximize ? -t.Value!.Value : t.Value!.Value)
        .ThenBy(t => t.Number)
        .ToList();

    private IReadOnlyList<TrialRecord>? ranked;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a > b || b is null ? a : b;

    private static string ComputeRevision(IReadOnlyList<TrialRecord> trials, IReadOnlyDictionary<string, string> attributes)
    {
        var hash = new HashCode();
        foreach (var t in trials)
        {
            hash.Add(t.Number);
            hash.Add(t.State);
            hash.Add(t.Value);
            hash.Add(t.IntermediateValues.Count);
            hash.Add(t.Attributes.Count);
            hash.Add(t.FinishedAt);
            foreach (var (key, value) in t.Attributes)
                if (!key.StartsWith(TrialAttributeKeys.ReservedPrefix, StringComparison.Ordinal))
                    hash.Add(value);
        }
        foreach (var (key, value) in attributes)
        {
            hash.Add(key);
            hash.Add(value);
        }
        return string.Create(CultureInfo.InvariantCulture, $"{trials.Count}-{(uint)hash.ToHashCode():x8}");
    }
}
