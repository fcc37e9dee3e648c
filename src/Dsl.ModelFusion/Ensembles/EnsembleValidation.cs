namespace Dsl.ModelFusion.Ensembles;

/// <summary>
/// An ensemble's score on the validation data its weights were fitted on: NLL and accuracy. <see cref="CrossFitted"/>
/// says whether every prediction came from a fit that did not see that sample (stacking's k-fold cross-fitting) or
/// from the final fit itself (weighted; an optimistic, in-sample score).
/// </summary>
public sealed record EnsembleValidation(double Loss, double Accuracy, long Count, bool CrossFitted, int Folds);
