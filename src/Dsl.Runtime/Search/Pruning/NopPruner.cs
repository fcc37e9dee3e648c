using Dsl.Search.Trials;

namespace Dsl.Search.Pruning;

/// <summary>Never prunes: every trial runs to the end.</summary>
public sealed class NopPruner : IPruner
{
    /// <summary>The shared instance.</summary>
    public static NopPruner Instance { get; } = new();

    /// <inheritdoc />
    public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction) => false;
}
