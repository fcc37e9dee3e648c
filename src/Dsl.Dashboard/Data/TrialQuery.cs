using System.Globalization;
using Dsl.Search.Trials;
using Microsoft.AspNetCore.Http;

namespace Dsl.Dashboard.Data;

/// <summary>Which trials a table shows: filtered by state and by one parameter, sorted, one page of them.</summary>
/// <param name="State">Only trials in this state; null for all.</param>
/// <param name="Parameter">The parameter <paramref name="Min"/>, <paramref name="Max"/> and <paramref name="Match"/> filter on.</param>
/// <param name="Min">The parameter's smallest value shown (numbers only).</param>
/// <param name="Max">The parameter's largest value shown (numbers only).</param>
/// <param name="Match">Text the parameter's value must contain (ignoring case).</param>
/// <param name="Sort">number, state, value, duration, started, or a parameter's name.</param>
/// <param name="Descending">Whether the sort runs from the largest down.</param>
/// <param name="Page">0-based page.</param>
/// <param name="PageSize">Rows per page.</param>
internal sealed record TrialQuery(
    TrialState? State, string? Parameter, double? Min, double? Max, string? Match, string Sort, bool Descending, int Page, int PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static TrialQuery From(IQueryCollection query)
    {
        var state = Enum.TryParse<TrialState>(query["state"].ToString(), ignoreCase: true, out var s) ? s : (TrialState?)null;
        var parameter = Text(query["param"]);
        return new TrialQuery(
            state,
            parameter,
            Number(query["min"]),
            Number(query["max"]),
            Text(query["match"]),
            Text(query["sort"]) ?? "number",
            query["desc"].ToString() is "1" or "true",
            Math.Max(0, Integer(query["page"]) ?? 0),
            Math.Clamp(Integer(query["size"]) ?? DefaultPageSize, 1, MaxPageSize));
    }

    /// <summary>The query as URL parameters (without the study), for links that keep it: a page, a sort.</summary>
    public string ToQueryString(int? page = null, string? sort = null, bool? descending = null)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(key + "=" + Uri.EscapeDataString(value));
        }
        Add("state", State?.ToString());
        Add("param", Parameter);
        Add("min", Min?.ToString("R", CultureInfo.InvariantCulture));
        Add("max", Max?.ToString("R", CultureInfo.InvariantCulture));
        Add("match", Match);
        Add("sort", sort ?? Sort);
        if (descending ?? Descending) Add("desc", "1");
        var p = page ?? Page;
        if (p > 0) Add("page", p.ToString(CultureInfo.InvariantCulture));
        if (PageSize != DefaultPageSize) Add("size", PageSize.ToString(CultureInfo.InvariantCulture));
        return string.Join("&", parts);
    }

    /// <summary>The trials that pass the filters, sorted; the caller takes one page of them.</summary>
    public IReadOnlyList<TrialRecord> Apply(StudySnapshot study)
    {
        IEnumerable<TrialRecord> trials = study.Trials;
        if (State is { } state) trials = trials.Where(t => t.State == state);
        if (Parameter is { } name && (Min is not null || Max is not null || Match is not null))
            trials = trials.Where(t => t.Parameters.TryGetValue(name, out var v) && Passes(v));
        var key = SortKey(study);
        // Missing values go last whichever way the key runs: a descending comparer alone would put them first.
        var withValuesFirst = trials.OrderBy(t => key(t) is null);
        var sorted = Descending
            ? withValuesFirst.ThenByDescending(key, SortValueComparer.Instance).ThenByDescending(t => t.Number)
            : withValuesFirst.ThenBy(key, SortValueComparer.Instance).ThenBy(t => t.Number);
        return sorted.ToList();
    }

    private bool Passes(object value)
    {
        if (Match is { } match && !Format.Value(value).Contains(match, StringComparison.OrdinalIgnoreCase)) return false;
        if (Min is null && Max is null) return true;
        if (Format.AsNumber(value) is not { } x) return false;
        return (Min is not { } min || x >= min) && (Max is not { } max || x <= max);
    }

    private Func<TrialRecord, object?> SortKey(StudySnapshot study) => Sort switch
    {
        "number" => t => t.Number,
        "state" => t => t.State.ToString(),
        "value" => t => t.Value,
        "duration" => t => t.FinishedAt - t.StartedAt is { } d ? d.TotalSeconds : null,
        "started" => t => t.StartedAt,
        var name when study.ParameterNames.Contains(name) => t => t.Parameters.TryGetValue(name, out var v) ? v : null,
        _ => t => t.Number,
    };

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is { Length: > 0 } text ? text : null;

    private static double? Number(Microsoft.Extensions.Primitives.StringValues value) =>
        double.TryParse(value.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x : null;

    private static int? Integer(Microsoft.Extensions.Primitives.StringValues value) =>
        int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) ? x : null;

    /// <summary>Orders numbers as numbers, everything else as invariant text; nulls are sorted apart before it runs.</summary>
    private sealed class SortValueComparer : IComparer<object?>
    {
        public static readonly SortValueComparer Instance = new();

        public int Compare(object? x, object? y)
        {
            if (x is null || y is null) return x is null ? (y is null ? 0 : 1) : -1; // unreachable from Apply; kept total
            if (Format.AsNumber(x) is { } a && Format.AsNumber(y) is { } b) return a.CompareTo(b);
            if (x is DateTimeOffset dx && y is DateTimeOffset dy) return dx.CompareTo(dy);
            return string.CompareOrdinal(Format.Value(x), Format.Value(y));
        }
    }
}
