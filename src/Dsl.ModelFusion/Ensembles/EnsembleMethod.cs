namespace Dsl.ModelFusion.Ensembles;

/// <summary>How an ensemble fuses its members' predicted class probabilities.</summary>
public enum EnsembleMethod
{
    /// <summary>The members' probabilities averaged with equal weights.</summary>
    Uniform,

    /// <summary>The members' probabilities averaged with weights fitted to minimise validation NLL.</summary>
    Weighted,

    /// <summary>A multinomial logistic regression on the members' log-probabilities, fitted on validation data.</summary>
    Stacking,
}
