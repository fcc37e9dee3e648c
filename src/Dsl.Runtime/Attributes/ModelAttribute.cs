namespace Dsl;

/// <summary>Marks a partial class as a model that the Dsl generator expands into a TorchSharp module.</summary>
/// <remarks>
/// The class declares its layers as attributes on partial methods, its hyperparameters as
/// <see cref="HyperparameterAttribute"/> partial properties, and its entry point as a partial
/// method named <c>Forward</c>. <see cref="Input"/> is the shape of one sample without the batch
/// dimension; the generator infers every layer size from it.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ModelAttribute : Attribute
{
    /// <summary>Shape of one input sample, without the batch dimension (for example <c>{ 1, 28, 28 }</c>).</summary>
    public int[]? Input { get; set; }

    /// <summary>Width of the output the last layer must produce (for example the number of classes); 0 leaves it unchecked.</summary>
    public int Outputs { get; set; }
}
