using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>The errors and system attributes every store phrases the same way.</summary>
internal static class StudyMessages
{
    public const string InMemory = "the in-memory store";

    public static string NoStudy(string study, string where) =>
        $"No study named '{study}' in {where}; create it with CreateOrOpenStudyAsync first.";

    public static string NoTrial(string study, int trial) => $"Study '{study}' has no trial {trial}.";

    public static string DirectionMismatch(string study, string where, StudyDirection stored, StudyDirection requested) =>
        $"Study '{study}' in {where} was created to {TrialSelection.ToText(stored)}, but this run asks to {TrialSelection.ToText(requested)}. "
        + "Use another study name, or the study's own direction.";

    public static string SpaceMismatch(string study, string where, string storedDescription, string description) =>
        $"Study '{study}' in {where} was created with a different search space: {SpaceSignature.Diff(storedDescription, description)}. "
        + "Its trials would not fit the new space; use another study name to start afresh.";

    public static IReadOnlyDictionary<string, string> WithSystemAttributes(
        IReadOnlyDictionary<string, string> attributes, string? worker, int? retryOf, DateTimeOffset? heartbeatAt)
    {
        var all = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        if (worker is not null)
            all[TrialAttributeKeys.Worker] = worker;
        if (retryOf is { } of)
            all[TrialAttributeKeys.RetryOf] = of.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (heartbeatAt is { } at)
            all[TrialAttributeKeys.HeartbeatAt] = StoreTime.Format(at);
        return all;
    }
}
