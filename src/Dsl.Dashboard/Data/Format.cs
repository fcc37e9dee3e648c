using System.Globalization;
using Dsl.Search.Trials;

namespace Dsl.Dashboard.Data;

/// <summary>How the dashboard writes values: invariant culture, short but exact enough to tell trials apart.</summary>
internal static class Format
{
    public static string Value(object? value) => value switch
    {
        null => "",
        double d => Number(d),
        float f => Number(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string Number(double? value) => value switch
    {
        null => "",
        { } v when double.IsNaN(v) => "NaN",
        { } v when Math.Abs(v) is >= 1e-4 and < 1e6 or 0 => v.ToString("0.######", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.####e0", CultureInfo.InvariantCulture),
    };

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    public static string Duration(TimeSpan? span) => span switch
    {
        null => "",
        { TotalSeconds: < 60 } s => s.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        { TotalMinutes: < 60 } s => s.TotalMinutes.ToString("0.0", CultureInfo.InvariantCulture) + " min",
        var s => s.Value.TotalHours.ToString("0.0", CultureInfo.InvariantCulture) + " h",
    };

    public static TimeSpan? DurationOf(TrialRecord trial) => trial.FinishedAt - trial.StartedAt;

    /// <summary>A parameter value as a number: numbers as they are, booleans as 0/1, numeric text parsed; otherwise null.</summary>
    public static double? AsNumber(object? value) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        decimal m => (double)m,
        bool b => b ? 1 : 0,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) => x,
        _ => null,
    };
}
