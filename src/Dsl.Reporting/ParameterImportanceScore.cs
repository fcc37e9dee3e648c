namespace Dsl.Reporting;

/// <summary>How much of the objective's variation one parameter explains on its own, as a share of all parameters' shares.</summary>
/// <param name="Parameter">The parameter's name.</param>
/// <param name="Importance">Its share in [0, 1]; the shares of one estimate sum to 1.</param>
public sealed record ParameterImportanceScore(string Parameter, double Importance);
