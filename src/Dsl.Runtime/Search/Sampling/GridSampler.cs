using System.Globalization;
using System.Text;
using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>
/// Every combination of the parameters' grid values, each proposed once. Conditional parameters branch the grid: a
/// combination holds only the parameters active in it, so no two proposals differ only in an inactive parameter.
/// </summary>
/// <remarks>
/// Categoricals contribute every choice. Integer and stepped parameters contribute every value when there are at most
/// <see cref="PointsPerAxis"/> of them, otherwise that many evenly spaced ones (geometrically when logarithmic), as do
/// continuous floats. <c>values</c> overrides the axis of any parameter. Trials already in the history, in any state,
/// count as visited, so a resumed study continues where it stopped.
/// </remarks>
public sealed class GridSampler : IFiniteSampler
{
    private readonly Lock gate = new();
    private readonly IReadOnlyDictionary<string, IReadOnlyList<object>> overrides;
    private readonly HashSet<string> handedOut = new(StringComparer.Ordinal);
    private SearchSpace? cachedSpace;
    private List<Dictionary<string, object>> cachedGrid = [];

    /// <summary>Creates a grid with <paramref name="pointsPerAxis"/> points on continuous axes and optional explicit axes.</summary>
    /// <param name="pointsPerAxis">Points on each continuous or long numeric axis (at least 2).</param>
    /// <param name="values">Explicit grid values by parameter name, overriding the computed axis.</param>
    /// <param name="seed">When set, visits the grid in a seeded random order rather than lexicographically.</param>
    public GridSampler(int pointsPerAxis = 5, IReadOnlyDictionary<string, IReadOnlyList<object>>? values = null, int? seed = null)
    {
        if (pointsPerAxis < 2) throw new ArgumentOutOfRangeException(nameof(pointsPerAxis), pointsPerAxis, "A grid axis needs at least 2 points.");
        PointsPerAxis = pointsPerAxis;
        overrides = values ?? new Dictionary<string, IReadOnlyList<object>>();
        Seed = seed;
    }

    /// <summary>Points on each continuous or long numeric axis.</summary>
    public int PointsPerAxis { get; }

    /// <summary>The seed of the visiting order, or null for lexicographic order.</summary>
    public int? Seed { get; }

    /// <summary>True once the last call found no unvisited combination left (after it proposed the last one, or threw).</summary>
    public bool IsExhausted { get; private set; }

    /// <inheritdoc />
    public int Count(SearchSpace space)
    {
        lock (gate) return GridFor(space).Count;
    }

    /// <inheritdoc />
    public int Remaining(SearchSpace space, IReadOnlyList<TrialRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        lock (gate)
        {
            var grid = GridFor(space);
            var visited = Visited(space, history);
            return grid.Count(point => !visited.Contains(Key(space, point)));
        }
    }

    /// <inheritdoc />
    /// <exception cref="SamplerExhaustedException">Every combination has been visited.</exception>
    public IReadOnlyDictionary<string, object> Sample(
        SearchSpace space,
        IReadOnlyList<TrialRecord> history,
        StudyDirection direction,
        IReadOnlyDictionary<string, object>? fixedValues = null)
    {
        var (_, pinned) = SamplingSupport.Begin(space, history, fixedValues);
        lock (gate)
        {
            var grid = GridFor(space);
            var visited = Visited(space, history);
            var remaining = 0;
            Dictionary<string, object>? chosen = null;
            foreach (var point in grid)
            {
                if (visited.Contains(Key(space, point))) continue;
                if (chosen is null && Matches(point, pinned)) chosen = point;
                remaining++;
            }
            if (chosen is null)
            {
                IsExhausted = remaining == 0;
                throw new SamplerExhaustedException(remaining == 0
                    ? $"The grid's {grid.Count} combinations have all been proposed."
                    : "No unvisited grid combination matches the fixed values.");
            }
            handedOut.Add(Key(space, chosen));
            IsExhausted = remaining == 1;
            var assignment = new Dictionary<string, object>(chosen, StringComparer.Ordinal);
            // A pinned value off the grid still wins; the grid point it replaces counts as visited.
            foreach (var (name, value) in pinned) assignment[name] = value;
            return SamplingSupport.Ordered(space, assignment);
        }
    }

    private static bool Matches(Dictionary<string, object> point, Dictionary<string, object> pinned)
    {
        foreach (var (name, value) in pinned)
            if (point.TryGetValue(name, out var gridValue) && !Equals(gridValue, value)) return false;
        return true;
    }

    private HashSet<string> Visited(SearchSpace space, IReadOnlyList<TrialRecord> history)
    {
        var representations = SamplingSupport.Representations(space);
        var visited = new HashSet<string>(handedOut, StringComparer.Ordinal);
        foreach (var trial in history)
        {
            var values = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var representation in representations)
                if (SamplingSupport.ValueOf(trial, representation) is { } value)
                    values[representation.Name] = value;
            visited.Add(Key(space, SamplingSupport.Ordered(space, values)));
        }
        return visited;
    }

    private static string Key(SearchSpace space, IReadOnlyDictionary<string, object> point)
    {
        var key = new StringBuilder();
        foreach (var spec in space)
        {
            if (!point.TryGetValue(spec.Name, out var value)) continue;
            key.Append(spec.Name).Append('=');
            key.Append(value switch
            {
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            });
            key.Append('\u001f');
        }
        return key.ToString();
    }

    private List<Dictionary<string, object>> GridFor(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (ReferenceEquals(space, cachedSpace)) return cachedGrid;
        var axes = space.Select(Axis).ToArray();
        var grid = new List<Dictionary<string, object>>();
        Expand(space, axes, 0, new Dictionary<string, object>(StringComparer.Ordinal), grid);
        if (Seed is { } seed) new SamplerRandom(seed, grid.Count).Shuffle(grid);
        cachedSpace = space;
        cachedGrid = grid;
        if (handedOut.Count > 0 && grid.TrueForAll(p => handedOut.Contains(Key(space, p)))) IsExhausted = true;
        return grid;
    }

    private static void Expand(SearchSpace space, IReadOnlyList<object>[] axes, int index, Dictionary<string, object> partial, List<Dictionary<string, object>> grid)
    {
        if (index == space.Count)
        {
            grid.Add(new Dictionary<string, object>(partial, StringComparer.Ordinal));
            return;
        }
        var spec = space[index];
        if (!SearchSpace.IsActive(spec, partial))
        {
            Expand(space, axes, index + 1, partial, grid);
            return;
        }
        foreach (var value in axes[index])
        {
            partial[spec.Name] = value;
            Expand(space, axes, index + 1, partial, grid);
        }
        partial.Remove(spec.Name);
    }

    private IReadOnlyList<object> Axis(ParameterSpec spec)
    {
        var representation = new InternalRepresentation(spec);
        if (overrides.TryGetValue(spec.Name, out var given))
        {
            var values = new List<object>();
            foreach (var raw in given)
            {
                var value = spec.TryCanonicalize(raw, out var canonical)
                    ? canonical
                    : throw new ArgumentException($"Grid value '{raw}' is not valid for '{spec.Name}'.", nameof(spec));
                if (!values.Contains(value)) values.Add(value);
            }
            if (values.Count == 0) throw new ArgumentException($"The grid axis of '{spec.Name}' is empty.", nameof(spec));
            return values;
        }
        if (representation.IsCategorical) return representation.Categorical!.Choices;
        if (representation.IsSingleValue) return [representation.ToExternal(representation.Low)];

        var distinct = representation.DistinctValues;
        var axis = new List<object>();
        if (distinct > 0 && distinct <= PointsPerAxis)
        {
            for (var k = 0; k < distinct; k++) axis.Add(representation.NthValue(k));
            return axis;
        }
        // Evenly spaced between the range's ends in the internal space (log-spaced when logarithmic); the ends themselves
        // are on the grid, which the widened internal interval of stepped parameters would otherwise miss.
        var (first, last) = Ends(spec);
        for (var k = 0; k < PointsPerAxis; k++)
        {
            var value = representation.ToExternal(first + k * (last - first) / (PointsPerAxis - 1));
            if (!axis.Contains(value)) axis.Add(value);
        }
        return axis;
    }

    private static (double First, double Last) Ends(ParameterSpec spec)
    {
        var representation = new InternalRepresentation(spec);
        var low = representation.ToExternal(representation.Low);
        var high = representation.ToExternal(representation.High);
        return (representation.ToInternal(low), representation.ToInternal(high));
    }
}
