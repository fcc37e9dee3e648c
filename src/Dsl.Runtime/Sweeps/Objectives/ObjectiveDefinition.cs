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

/// <summary>
/// The user's objective: computes a trial's value from its typed hyperparameters, reporting intermediate values to
/// <paramref name="trial"/> for pruning.
/// </summary>
/// <param name="hyperparameters">The trial's hyperparameters.</param>
/// <param name="trial">Reports intermediate values and says when the trial should be pruned.</param>
/// <param name="cancellationToken">Fires on Ctrl-C, or when the sweep failed in another job.</param>
public delegate Task<double> Objective<in THyperparameters>(THyperparameters hyperparameters, ObjectiveTrial trial, CancellationToken cancellationToken);
