namespace Dsl.Sweeps;

/// <summary>
/// The user's objective: computes a trial's value from its typed hyperparameters, reporting intermediate values to
/// <paramref name="trial"/> for pruning.
/// </summary>
/// <param name="hyperparameters">The trial's hyperparameters.</param>
/// <param name="trial">Reports intermediate values and says when the trial should be pruned.</param>
/// <param name="cancellationToken">Fires on Ctrl-C, or when the sweep failed in another job.</param>
public delegate Task<double> Objective<in THyperparameters>(THyperparameters hyperparameters, ObjectiveTrial trial, CancellationToken cancellationToken);
