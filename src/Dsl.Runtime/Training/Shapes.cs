namespace Dsl.Training;

/// <summary>Formats shapes the way error messages print them.</summary>
internal static class Shapes
{
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>A batch shape: the sample shape behind a leading "N".</summary>
    public static string FormatBatch(IEnumerable<long> sampleShape) => "[" + string.Join(", ", sampleShape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).Prepend("N")) + "]";
}
