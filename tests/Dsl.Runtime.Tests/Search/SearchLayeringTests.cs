using System.Reflection;
using Dsl.Search;

namespace Dsl.Runtime.Tests.Search;

/// <summary>Samplers and pruners work on the search concepts alone, as Optuna's do on <c>optuna.trial</c>.</summary>
public sealed class SearchLayeringTests
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void No_search_type_mentions_a_storage_type_in_its_signatures()
    {
        var offenders =
            from type in typeof(SearchSpace).Assembly.GetTypes()
            where type.Namespace?.StartsWith("Dsl.Search", StringComparison.Ordinal) == true
            from mentioned in Signatures(type)
            where mentioned.Namespace?.StartsWith("Dsl.Studies", StringComparison.Ordinal) == true
            select $"{type.FullName} mentions {mentioned.FullName}";

        Assert.Empty(offenders.Distinct());
    }

    [Fact]
    public void No_type_is_named_like_its_namespace()
    {
        var offenders = typeof(SearchSpace).Assembly.GetTypes()
            .Where(t => !t.IsNested && t.Namespace is { } ns && ns.Split('.')[^1] == t.Name)
            .Select(t => t.FullName);

        Assert.Empty(offenders);
    }

    private static IEnumerable<Type> Signatures(Type type)
    {
        var direct = new List<Type>();
        if (type.BaseType is { } baseType) direct.Add(baseType);
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetFields(Declared).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(Declared).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo info) direct.Add(info.ReturnType);
        }
        return direct.SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (var inner in Expand(type.GetElementType()!))
                yield return inner;
        if (type.IsGenericType)
            foreach (var inner in type.GetGenericArguments().SelectMany(Expand))
                yield return inner;
    }
}
