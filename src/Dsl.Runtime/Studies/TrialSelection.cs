using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>Ranking rules shared by every store.</summary>
internal static class TrialSelection
{
    /// <summary>The complete trial with the best value in <paramref name="direction"/>, the lowest number winning ties.</summary>
    public static TrialRecord? Best(IEnumerable<TrialRecord> trials, StudyDirection direction)
    {
        TrialRecord? best = null;
        foreach (var trial in trials)
        {
            if (trial.State != TrialState.Complete || trial.Value is not { } value)
                continue;
            if (best is null || IsBetter(value, trial.Number, best.Value!.Value, best.Number, direction))
                best = trial;
        }
        return best;
    }

    public static bool IsBetter(double value, int number, double than, int thanNumber, StudyDirection direction) =>
        value == than ? number < thanNumber : direction == StudyDirection.Minimize ? value < than : value > than;

    public static string ToText(StudyDirection direction) => direction == StudyDirection.Minimize ? "minimize" : "maximize";

    public static string ToText(TrialState state) => state.ToString().ToLowerInvariant();

    public static void CheckAttributeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.StartsWith(TrialAttributeKeys.ReservedPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"Attribute keys starting with '{TrialAttributeKeys.ReservedPrefix}' are reserved for the store.", nameof(key));
    }

    public static void CheckIntermediate(int step, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "Intermediate values must be finite; record a diverged trial as failed.");
    }

    public static void CheckStudyName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name != name.Trim())
            throw new ArgumentException($"Study name '{name}' has leading or trailing spaces.", nameof(name));
    }
}
