using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>The bookkeeping every sampler shares: codecs, pinned values, activity and the ordering of the result.</summary>
internal static class SamplingSupport
{
    /// <summary>The codecs and validated pinned values every <c>Sample</c> call starts from.</summary>
    public static (ParameterCodec[] Codecs, Dictionary<string, object> Pinned) Begin(
        SearchSpace space, IReadOnlyList<TrialRecord> history, IReadOnlyDictionary<string, object>? fixedValues)
    {
        ArgumentNullException.ThrowIfNull(history);
        var codecs = Codecs(space);
        return (codecs, Pinned(space, codecs, fixedValues));
    }

    /// <summary>An assignment of independent uniform draws around the pinned values.</summary>
    public static IReadOnlyDictionary<string, object> WalkUniform(
        SearchSpace space, ParameterCodec[] codecs, Dictionary<string, object> pinned, SamplerRandom random) =>
        Walk(space, codecs, pinned, (i, assignment) => assignment[space[i].Name] = Uniform(codecs[i], random));

    public static ParameterCodec[] Codecs(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var codecs = new ParameterCodec[space.Count];
        for (var i = 0; i < codecs.Length; i++) codecs[i] = new ParameterCodec(space[i]);
        return codecs;
    }

    /// <summary>Validates and canonicalises pinned values; an unknown name or an invalid value is the caller's bug.</summary>
    public static Dictionary<string, object> Pinned(SearchSpace space, ParameterCodec[] codecs, IReadOnlyDictionary<string, object>? fixedValues)
    {
        var pinned = new Dictionary<string, object>(StringComparer.Ordinal);
        if (fixedValues is null) return pinned;
        foreach (var (name, raw) in fixedValues)
        {
            if (!space.Contains(name))
                throw new ArgumentException($"Fixed parameter '{name}' is not in the search space.", nameof(fixedValues));
            var codec = codecs[IndexOf(space, name)];
            pinned[name] = codec.Canonicalize(raw)
                ?? throw new ArgumentException($"Fixed value '{raw}' is not valid for '{name}'.", nameof(fixedValues));
        }
        return pinned;
    }

    public static int IndexOf(SearchSpace space, string name)
    {
        for (var i = 0; i < space.Count; i++)
            if (space[i].Name == name) return i;
        return -1;
    }

    /// <summary>The canonical value of a trial's parameter, or null when absent or no longer valid.</summary>
    public static object? ValueOf(TrialRecord trial, ParameterCodec codec) =>
        trial.Parameters.TryGetValue(codec.Name, out var raw) ? codec.Canonicalize(raw) : null;

    /// <summary>
    /// Walks the space in declaration order, keeping pinned values and asking <paramref name="choose"/> for the rest,
    /// skipping inactive parameters. <paramref name="choose"/> may fill several parameters at once (a joint group).
    /// </summary>
    public static IReadOnlyDictionary<string, object> Walk(
        SearchSpace space,
        ParameterCodec[] codecs,
        Dictionary<string, object> pinned,
        Action<int, Dictionary<string, object>> choose)
    {
        var assignment = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < space.Count; i++)
        {
            var spec = space[i];
            if (!SearchSpace.IsActive(spec, assignment)) continue;
            if (assignment.ContainsKey(spec.Name)) continue;
            if (pinned.TryGetValue(spec.Name, out var value))
            {
                assignment[spec.Name] = value;
                continue;
            }
            if (codecs[i].IsConstant)
            {
                assignment[spec.Name] = codecs[i].Decode(codecs[i].Lower);
                continue;
            }
            choose(i, assignment);
        }
        return Ordered(space, assignment);
    }

    /// <summary>The assignment in declaration order, holding only parameters that are active under it.</summary>
    public static IReadOnlyDictionary<string, object> Ordered(SearchSpace space, Dictionary<string, object> assignment)
    {
        var ordered = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var spec in space)
            if (assignment.TryGetValue(spec.Name, out var value) && SearchSpace.IsActive(spec, ordered))
                ordered[spec.Name] = value;
        return ordered;
    }

    /// <summary>A uniform draw of one parameter, used by random sampling and by the other samplers' fallbacks.</summary>
    public static object Uniform(ParameterCodec codec, SamplerRandom random) =>
        codec.IsCategorical
            ? codec.Categorical!.Choices[random.NextInt(codec.ChoiceCount)]
            : codec.Decode(codec.Lower + random.NextDouble() * (codec.Upper - codec.Lower));

    /// <summary>A seed for samplers constructed without one.</summary>
    public static int FreshSeed() => Random.Shared.Next();
}
