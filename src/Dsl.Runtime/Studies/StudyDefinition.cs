using Dsl.Search;
using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>What a study is: its name, which way its objective goes, and the space its trials are drawn from.</summary>
/// <param name="Name">The study's name, unique within a store.</param>
/// <param name="Direction">Whether smaller or larger objective values are better.</param>
/// <param name="Space">
/// The search space. When given, reopening the study with an incompatible space is an error, and parameters read back
/// from the store take the space's own types (enum choices come back as enum values). Null skips both.
/// </param>
public sealed record StudyDefinition(string Name, StudyDirection Direction, SearchSpace? Space = null);

/// <summary>A study as the store knows it, returned when it is created or opened.</summary>
/// <param name="Name">The study's name.</param>
/// <param name="Direction">Whether smaller or larger objective values are better.</param>
/// <param name="SpaceFingerprint">A hash of the search space's shape, empty when the study was created without one.</param>
/// <param name="CreatedAt">When the study was created.</param>
/// <param name="Created">Whether this call created the study rather than opening an existing one.</param>
public sealed record StudyInfo(string Name, StudyDirection Direction, string SpaceFingerprint, DateTimeOffset CreatedAt, bool Created);

/// <summary>One line of a store's study list.</summary>
/// <param name="Name">The study's name.</param>
/// <param name="Direction">Whether smaller or larger objective values are better.</param>
/// <param name="CreatedAt">When the study was created.</param>
/// <param name="TrialCounts">How many trials are in each state; states with none are absent.</param>
/// <param name="BestTrial">The number of the best complete trial, if any.</param>
/// <param name="BestValue">The value of the best complete trial, if any.</param>
public sealed record StudySummary(
    string Name,
    StudyDirection Direction,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<TrialState, int> TrialCounts,
    int? BestTrial,
    double? BestValue)
{
    /// <summary>How many trials the study has in all.</summary>
    public int TotalTrials => TrialCounts.Values.Sum();

    /// <summary>How many trials are in <paramref name="state"/>.</summary>
    public int Count(TrialState state) => TrialCounts.TryGetValue(state, out var n) ? n : 0;
}
