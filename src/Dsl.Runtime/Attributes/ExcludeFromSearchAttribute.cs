namespace Dsl;

/// <summary>
/// Leaves an enum member out of the choices a hyperparameter of that enum searches by default, such as
/// <see cref="Activation.Softmax"/>, which rarely suits a hidden layer. Listing the member in
/// <see cref="HyperparameterAttribute.Choices"/>, or making it the default, still searches it.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class ExcludeFromSearchAttribute : Attribute
{
}
