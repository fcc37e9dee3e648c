using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>The check at the start of a generated model's Forward: each input against the shape the model was declared with.</summary>
public static class InputShapes
{
    /// <summary>A declared dimension that may take any size, because no layer's construction depends on it (a sequence length, say).</summary>
    public const long Any = -1;

    /// <summary>
    /// Throws <see cref="InputShapeException"/> unless <paramref name="input"/> is [batch, <paramref name="shape"/>...];
    /// <see cref="Any"/> in <paramref name="shape"/> matches every size. Only the shape is read, never the data.
    /// </summary>
    /// <param name="input">The tensor passed to the model.</param>
    /// <param name="method">The model and method, as the message names them (for example "FashionCnn.Forward").</param>
    /// <param name="name">The input parameter's name.</param>
    /// <param name="shape">The declared shape of one sample, without the batch dimension.</param>
    public static void Require(Tensor input, string method, string name, params ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(input, name);
        if (!Fits(input, shape)) throw new InputShapeException(method, name, shape.ToArray(), input.shape);
    }

    // A span of the generated call's constants, compared dimension by dimension: a passing check allocates nothing,
    // which matters because it runs on every forward call.
    private static bool Fits(Tensor input, ReadOnlySpan<long> shape)
    {
        if (input.Dimensions != shape.Length + 1) return false;
        for (var i = 0; i < shape.Length; i++)
            if (shape[i] != Any && input.size(i + 1) != shape[i]) return false;
        return true;
    }
}
