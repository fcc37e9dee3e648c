namespace Dsl.Training;

/// <summary>The optimizers a <see cref="Trainer"/> can use; as a sweep hyperparameter it is searched as a categorical.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent, with optional (Nesterov) momentum.</summary>
    Sgd,
    /// <summary>Adam, with L2 weight decay added to the gradient.</summary>
    Adam,
    /// <summary>Adam with decoupled weight decay.</summary>
    AdamW,
    /// <summary>Adam with Nesterov momentum.</summary>
    NAdam,
    /// <summary>RMSprop, with optional momentum.</summary>
    RMSprop,
}
