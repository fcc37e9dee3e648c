using System.Collections;

namespace Dsl.Search;

/// <summary>The ordered set of hyperparameters a sampler may choose, as declared by a generated model or sweep.</summary>
public sealed class SearchSpace : IReadOnlyList<ParameterSpec>
{
    private readonly ParameterSpec[] parameters;
    private readonly Dictionary<string, ParameterSpec> byName;

    /// <summary>Creates a search space; names must be unique and every condition must refer to an earlier parameter.</summary>
    public SearchSpace(IEnumerable<ParameterSpec> parameters)
    {
        this.parameters = parameters.ToArray();
        byName = new Dictionary<string, ParameterSpec>(StringComparer.Ordinal);
        foreach (var parameter in this.parameters)
        {
            if (!byName.TryAdd(parameter.Name, parameter))
                throw new ArgumentException($"Search space declares '{parameter.Name}' twice.", nameof(parameters));
            if (parameter.Condition is { } condition && !byName.ContainsKey(condition.Parameter))
                throw new ArgumentException(
                    $"'{parameter.Name}' is conditional on '{condition.Parameter}', which is not declared before it.", nameof(parameters));
        }
    }

    /// <summary>An empty search space.</summary>
    public static SearchSpace Empty { get; } = new([]);

    /// <summary>Concatenates two spaces (for example a model's and its sweep's).</summary>
    public SearchSpace Concat(SearchSpace other) => new(parameters.Concat(other));

    /// <summary>The parameter with the given name.</summary>
    public ParameterSpec this[string name] =>
        byName.TryGetValue(name, out var spec) ? spec : throw new KeyNotFoundException($"The search space has no parameter '{name}'.");

    /// <inheritdoc />
    public ParameterSpec this[int index] => parameters[index];

    /// <inheritdoc />
    public int Count => parameters.Length;

    /// <summary>Whether a parameter with this name exists.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>Whether <paramref name="parameter"/> is active under the given (partial) assignment.</summary>
    public static bool IsActive(ParameterSpec parameter, IReadOnlyDictionary<string, object> assignment) =>
        parameter.Condition is not { } condition
        || (assignment.TryGetValue(condition.Parameter, out var value) && condition.Values.Any(v => Equals(v, value)));

    /// <summary>The default assignment: every active parameter at its default.</summary>
    public IReadOnlyDictionary<string, object> Defaults()
    {
        var assignment = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
            if (IsActive(parameter, assignment))
                assignment[parameter.Name] = parameter.DefaultValue;
        return assignment;
    }

    /// <inheritdoc />
    public IEnumerator<ParameterSpec> GetEnumerator() => ((IEnumerable<ParameterSpec>)parameters).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => parameters.GetEnumerator();
}
