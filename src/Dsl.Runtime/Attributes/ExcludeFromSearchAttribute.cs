namespace Dsl;

/// <summary>
/// Leaves an enum member out of the choices a hyperparameter of that enum searches by default, such as
/// <see cref="Activation.Softmax"/>, which rarely suits a hidden layer. Listing the member in
/// <see cref="HyperparameterAttribute.Choices"/>, or making it the default, still searches it.
/// On a property of <c>TrainingOptions</c>, it keeps sweeps from binding a hyperparameter to that option (a checkpoint
/// path is no thing to search).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class ExcludeFromSearchAttribute : Attribute
{
}
