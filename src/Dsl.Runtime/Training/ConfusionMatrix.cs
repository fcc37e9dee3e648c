using System.Globalization;
using System.Text;

namespace Dsl.Training;

/// <summary>Counts of (actual class, predicted class) pairs over a whole dataset, and the per-class metrics derived from them.</summary>
/// <remarks>
/// Macro averages follow scikit-learn: they average over the classes that occur among the labels or the predictions,
/// and a ratio with a zero denominator counts as 0.
/// </remarks>
public sealed class ConfusionMatrix : IEquatable<ConfusionMatrix>
{
    private readonly long[] counts;

    /// <summary>Wraps row-major counts: entry [actual × classes + predicted].</summary>
    public ConfusionMatrix(int classes, IReadOnlyList<long> counts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count != classes * classes)
            throw new ArgumentException($"A {classes}-class confusion matrix needs {classes * classes} counts, but got {counts.Count}.", nameof(counts));
        Classes = classes;
        this.counts = [.. counts];
    }

    /// <summary>Number of classes (rows and columns).</summary>
    public int Classes { get; }

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => counts[actual * Classes + predicted];

    /// <summary>All samples counted.</summary>
    public long Total => counts.Sum();

    /// <summary>Samples whose prediction equals the label.</summary>
    public long Correct => Enumerable.Range(0, Classes).Sum(c => this[c, c]);

    /// <summary>Correct / Total.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>Samples whose label is <paramref name="c"/>.</summary>
    public long Support(int c) => Enumerable.Range(0, Classes).Sum(p => this[c, p]);

    /// <summary>Samples predicted as <paramref name="c"/>.</summary>
    public long Predicted(int c) => Enumerable.Range(0, Classes).Sum(a => this[a, c]);

    /// <summary>Of the samples predicted as <paramref name="c"/>, the share that are <paramref name="c"/>.</summary>
    public double Precision(int c) => Ratio(this[c, c], Predicted(c));

    /// <summary>Of the samples of class <paramref name="c"/>, the share predicted as <paramref name="c"/>.</summary>
    public double Recall(int c) => Ratio(this[c, c], Support(c));

    /// <summary>Harmonic mean of <see cref="Precision"/> and <see cref="Recall"/> of class <paramref name="c"/>.</summary>
    public double F1(int c)
    {
        var (p, r) = (Precision(c), Recall(c));
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /// <summary>Unweighted mean of the per-class precision.</summary>
    public double MacroPrecision => Macro(Precision);

    /// <summary>Unweighted mean of the per-class recall.</summary>
    public double MacroRecall => Macro(Recall);

    /// <summary>Unweighted mean of the per-class F1.</summary>
    public double MacroF1 => Macro(F1);

    /// <summary>The counts as a [actual, predicted] array.</summary>
    public long[,] ToArray()
    {
        var array = new long[Classes, Classes];
        for (var a = 0; a < Classes; a++)
            for (var p = 0; p < Classes; p++)
                array[a, p] = this[a, p];
        return array;
    }

    /// <summary>A plain-text table, rows actual and columns predicted.</summary>
    public override string ToString()
    {
        var width = Math.Max(counts.Length == 0 ? 1 : counts.Max().ToString(CultureInfo.InvariantCulture).Length, Classes.ToString(CultureInfo.InvariantCulture).Length) + 1;
        var text = new StringBuilder();
        text.Append("actual\\pred".PadRight(12));
        for (var p = 0; p < Classes; p++) text.Append(p.ToString(CultureInfo.InvariantCulture).PadLeft(width));
        text.AppendLine();
        for (var a = 0; a < Classes; a++)
        {
            text.Append(a.ToString(CultureInfo.InvariantCulture).PadRight(12));
            for (var p = 0; p < Classes; p++) text.Append(this[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <inheritdoc />
    public bool Equals(ConfusionMatrix? other) => other is not null && Classes == other.Classes && counts.AsSpan().SequenceEqual(other.counts);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ConfusionMatrix);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Classes, Total, Correct);

    private double Macro(Func<int, double> metric)
    {
        var present = Enumerable.Range(0, Classes).Where(c => Support(c) > 0 || Predicted(c) > 0).ToList();
        return present.Count == 0 ? double.NaN : present.Average(metric);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
