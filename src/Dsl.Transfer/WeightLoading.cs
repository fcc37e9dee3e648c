namespace Dsl.Transfer;

/// <summary>How <see cref="PretrainedWeights"/> treats keys that do not fit the model.</summary>
public enum WeightLoading
{
    /// <summary>Every model key must be loaded and every source key used, with equal shapes; otherwise nothing is loaded and a <see cref="WeightLoadException"/> says why.</summary>
    Strict,

    /// <summary>Keys present in both with equal shapes are loaded; the rest keep the model's weights and are listed in the report.</summary>
    Lenient,
}
