using System.Globalization;

namespace Dsl.Layers;

/// <summary>A generated model was given an input whose shape differs from the declared one.</summary>
/// <remarks>
/// The message names the model, the input and both shapes, for example
/// "FashionCnn.Forward: input 'image' must have shape [batch, 1, 28, 28], but got [5, 784]". The trainer reports a
/// dataset of the wrong shape with the same message, followed by which dataset it was.
/// </remarks>
public sealed class InputShapeException : ArgumentException
{
    private readonly string message;

    /// <summary>Reports that <paramref name="input"/> of <paramref name="method"/> came shaped <paramref name="actual"/>.</summary>
    /// <param name="method">The model and method, for example "FashionCnn.Forward".</param>
    /// <param name="input">The input parameter's name.</param>
    /// <param name="expected">The declared shape of one sample; <see cref="InputShapes.Any"/> where any size fits.</param>
    /// <param name="actual">The whole shape that came, batch dimension included.</param>
    /// <param name="source">Where the input came from, such as "the training set"; null for a direct call.</param>
    /// <param name="innerException">The exception this one restates, if any.</param>
    public InputShapeException(string method, string input, IReadOnlyList<long> expected, IReadOnlyList<long> actual, string? source = null,
        Exception? innerException = null)
        : this(Describe(method, input, expected, actual, source), method, input, expected, actual, innerException)
    {
    }

    private InputShapeException(string message, string method, string input, IReadOnlyList<long> expected, IReadOnlyList<long> actual, Exception? innerException)
        : base(message, input, innerException)
    {
        this.message = message;
        Method = method;
        Input = input;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The model and method, for example "FashionCnn.Forward".</summary>
    public string Method { get; }

    /// <summary>The input parameter's name.</summary>
    public string Input { get; }

    /// <summary>The declared shape of one sample, without the batch dimension; <see cref="InputShapes.Any"/> where any size fits.</summary>
    public IReadOnlyList<long> Expected { get; }

    /// <summary>The whole shape that came, batch dimension included.</summary>
    public IReadOnlyList<long> Actual { get; }

    /// <summary>The one-line message, without ArgumentException's "(Parameter ...)" suffix: the input is already named.</summary>
    public override string Message => message;

    private static string Describe(string method, string input, IReadOnlyList<long> expected, IReadOnlyList<long> actual, string? source) =>
        method + ": input '" + input + "' must have shape [" + string.Join(", ", expected.Select(Size).Prepend("batch")) + "], but got [" +
        string.Join(", ", actual.Select(Size)) + "]" + (source is null ? "" : " in " + source);

    private static string Size(long size) => size == InputShapes.Any ? "any" : size.ToString(CultureInfo.InvariantCulture);
}
