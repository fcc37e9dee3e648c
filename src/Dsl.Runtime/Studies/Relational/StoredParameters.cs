using Dsl.Search;

namespace Dsl.Studies.Relational;

/// <summary>
/// How the relational store brings parameter values to their canonical form and writes and reads them in the
/// <c>(kind, value)</c> columns of <c>trial_params</c>.
/// </summary>
/// <remarks>The one place the relational store meets the parameter codec, so a change of encoding lands here alone.</remarks>
internal static class StoredParameters
{
    /// <summary>Canonical values for an assignment, checked against <paramref name="space"/> when the study was opened with one.</summary>
    public static Dictionary<string, object> Normalize(IReadOnlyDictionary<string, object> values, SearchSpace? space, string study) =>
        ParameterCodec.Normalize(values, space, study);

    /// <summary>The columns for a canonical value.</summary>
    public static (string Kind, string Text) Write(object canonical) => ParameterCodec.Encode(canonical);

    /// <summary>The value the columns hold, in the type of its parameter in <paramref name="space"/> when the study was opened with one.</summary>
    public static object Read(string name, string kind, string text, SearchSpace? space) =>
        ParameterCodec.FromStore(ParameterCodec.Decode(name, kind, text), space is not null && space.Contains(name) ? space[name] : null);
}
