namespace Dsl;

/// <summary>The activation functions a model can use; as a hyperparameter type it is searched as a categorical.</summary>
public enum Activation
{
    /// <summary>max(0, x).</summary>
    ReLU,
    /// <summary>Gaussian error linear unit.</summary>
    GELU,
    /// <summary>x · sigmoid(x), also called swish.</summary>
    SiLU,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary>ReLU with a small negative slope (0.01).</summary>
    LeakyReLU,
    /// <summary>Exponential linear unit.</summary>
    ELU,
    /// <summary>Softmax over the last dimension: each row becomes a probability distribution; searched only when listed in Choices.</summary>
    [ExcludeFromSearch]
    Softmax,
}
