using Dsl.Search.Trials;

namespace Dsl.Search.Sampling;

/// <summary>The bookkeeping every sampler shares: representations, pinned values, activity and the ordering of the result.</summary>
internal static class SamplingSupport
{
    /// <summary>The representations and validated pinned values every <c>Sample</c> call starts from.</summary>
    public static (InternalRepresentation[] Representations, Dictionary<string, object> Pinned) Begin(
        SearchSpace space, IReadOnlyList<TrialRecord> history, IReadOnlyDictionary<string, object>? fixedValues)
    {
        ArgumentNullException.ThrowIfNull(history);
        var representations = Representations(space);
        return (representations, Pinned(space, fixedValues));
    }

    /// <summary>An assignment of independent uniform draws around the pinned values.</summary>
    public static IReadOnlyDictionary<string, object> WalkUniform(
        SearchSpace space, InternalRepresentation[] representations, Dictionary<string, object> pinned, SamplerRandom random) =>
        Walk(space, representations, pinned, (i, assignment) => assignment[space[i].Name] = Uniform(representations[i], random));

    public static InternalRepresentation[] Representations(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var representations = new InternalRepresentation[space.Count];
        for (var i = 0; i < representations.Length; i++) representations[i] = new InternalRepresentation(space[i]);
        return representations;
    }

    /// <summary>Validates and canonicalises pinned values; an unknown name or an invalid value is the caller's bug.</summary>
    public static Dictionary<string, object> Pinned(SearchSpace space, IReadOnlyDictionary<string, object>? fixedValues)
    {
        var pinned = new Dictionary<string, object>(StringComparer.Ordinal);
        if (fixedValues is null) return pinned;
        foreach (var (name, raw) in fixedValues)
        {
            if (!space.Contains(name))
                throw new ArgumentException($"Fixed parameter '{name}' is not in the search space.", nameof(fixedValues));
            pinned[name] = space[name].TryCanonicalize(raw, out var value)
                ? value
                : throw new ArgumentException($"Fixed value '{raw}' is not valid for '{name}'.", nameof(fixedValues));
        }
        return pinned;
    }

    /// <summary>The canonical value of a trial's parameter, or null when absent or no longer valid.</summary>
    public static object? ValueOf(TrialRecord trial, InternalRepresentation representation) =>
        trial.Parameters.TryGetValue(representation.Name, out var raw) && representation.Spec.TryCanonicalize(raw, out var value) ? value : null;

    /// <summary>
    /// Walks the space in declaration order, keeping pinned values and asking <paramref name="choose"/> for the rest,
    /// skipping inactive parameters. <paramref name="choose"/> may fill several parameters at once (a joint group).
    /// </summary>
    public static IReadOnlyDictionary<string, object> Walk(
        SearchSpace space,
        InternalRepresentation[] representations,
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
            if (representations[i].IsSingleValue)
            {
                assignment[spec.Name] = representations[i].ToExternal(representations[i].Low);
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
    public static object Uniform(InternalRepresentation representation, SamplerRandom random) =>
        representation.IsCategorical
            ? representation.Categorical!.Choices[random.NextInt(representation.ChoiceCount)]
            : representation.ToExternal(representation.Low + random.NextDouble() * (representation.High - representation.Low));

    /// <summary>A seed for samplers constructed without one.</summary>
    public static int FreshSeed() => Random.Shared.Next();
}
