using Dsl.Search.Trials;

namespace Dsl.Sweeps;

/// <summary>What a sweep of user code optimises: its name, direction, the objective's name and how many steps it reports at most.</summary>
/// <param name="Name">The sweep's name; the default study name.</param>
/// <param name="Direction">Whether smaller or larger objective values are better.</param>
public sealed record ObjectiveDefinition(string Name, StudyDirection Direction)
{
    /// <summary>What the objective measures, as progress, <c>best.json</c> and the report name it.</summary>
    public string Metric { get; init; } = "objective";

    /// <summary>The most intermediate steps a trial reports: the pruners' budget (ASHA's and Hyperband's maximum resource).</summary>
    public int Steps { get; init; } = 1;
}
