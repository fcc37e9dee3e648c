using Dsl.Dashboard.Data;

namespace Dsl.Dashboard.Charts;

/// <summary>Maps data values onto a pixel range, linearly or by their logarithm, and chooses round tick values.</summary>
internal sealed class Axis
{
    private readonly double min, max, from, to;

    /// <param name="values">The values the axis must show; an empty or constant set gets a unit range around them.</param>
    /// <param name="from">The pixel of the smallest value.</param>
    /// <param name="to">The pixel of the largest value.</param>
    /// <param name="log">Whether to place values by their logarithm (only when every value is positive).</param>
    public Axis(IEnumerable<double> values, double from, double to, bool log = false)
    {
        var finite = values.Where(double.IsFinite).ToList();
        IsLog = log && finite.Count > 0 && finite.All(v => v > 0);
        var mapped = IsLog ? finite.Select(Math.Log10).ToList() : finite;
        min = mapped.Count > 0 ? mapped.Min() : 0;
        max = mapped.Count > 0 ? mapped.Max() : 1;
        if (max - min < 1e-12)
        {
            min -= 0.5;
            max += 0.5;
        }
        else
        {
            var pad = (max - min) * 0.04;
            min -= pad;
            max += pad;
        }
        this.from = from;
        this.to = to;
    }

    public bool IsLog { get; }

    public double this[double value] => from + ((IsLog ? Math.Log10(value) : value) - min) / (max - min) * (to - from);

    /// <summary>About <paramref name="count"/> round values inside the range, with their labels.</summary>
    public IEnumerable<(double Value, string Label)> Ticks(int count = 5)
    {
        if (IsLog)
        {
            for (var e = Math.Ceiling(min); e <= Math.Floor(max); e++)
                yield return (Math.Pow(10, e), Format.Number(Math.Pow(10, e)));
            yield break;
        }
        var raw = (max - min) / count;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
        for (var v = Math.Ceiling(min / step) * step; v <= max; v += step)
            yield return (Math.Abs(v) < step * 1e-9 ? 0 : v, Format.Number(Math.Abs(v) < step * 1e-9 ? 0 : v));
    }
}
