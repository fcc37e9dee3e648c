using Dsl.Dashboard.Data;

namespace Dsl.Dashboard.Charts;

/// <summary>Places a parameter's values along a pixel range: numbers on an <see cref="Axis"/>, anything else in equal bands.</summary>
internal sealed class Scale
{
    private readonly Axis? axis;
    private readonly Dictionary<string, int> choices = new(StringComparer.Ordinal);
    private readonly double from, to;

    private Scale(Axis? axis, IEnumerable<string> choices, double from, double to)
    {
        this.axis = axis;
        foreach (var choice in choices) this.choices.TryAdd(choice, this.choices.Count);
        this.from = from;
        this.to = to;
    }

    public bool IsLog => axis?.IsLog ?? false;

    /// <summary>A numeric scale when every present value is a number (log when they are positive and span three decades), else a categorical one.</summary>
    public static Scale For(IEnumerable<object?> values, double from, double to)
    {
        var present = values.Where(v => v is not null).ToList();
        if (present.Count > 0 && present.All(v => v is not bool && Format.AsNumber(v) is not null && v is not string))
        {
            var numbers = present.Select(v => Format.AsNumber(v)!.Value).ToList();
            var log = numbers.All(n => n > 0) && numbers.Max() / numbers.Min() >= 1000;
            return new Scale(new Axis(numbers, from, to, log), [], from, to);
        }
        return new Scale(null, present.Select(Format.Value).Distinct().Order(StringComparer.Ordinal), from, to);
    }

    /// <summary>Where <paramref name="value"/> goes, or null for a missing value.</summary>
    public double? Position(object? value)
    {
        if (value is null) return null;
        if (axis is not null) return Format.AsNumber(value) is { } x && (!axis.IsLog || x > 0) ? axis[x] : null;
        return choices.TryGetValue(Format.Value(value), out var i) ? from + (to - from) * (i + 0.5) / choices.Count : null;
    }

    public IEnumerable<(double Position, string Label)> Ticks()
    {
        if (axis is not null) return axis.Ticks().Select(t => (axis[t.Value], t.Label));
        // Many choices would overlap; label a sample of them.
        var step = Math.Max(1, choices.Count / 8);
        return choices.Where(c => c.Value % step == 0).Select(c => (from + (to - from) * (c.Value + 0.5) / choices.Count, c.Key));
    }
}
