using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Sweeps.Running;

/// <summary>Enqueues warm-start assignments once per study, however often the sweep is rerun.</summary>
/// <remarks>
/// The store has no study-level attributes, so "already enqueued" is read from the trials themselves: an assignment is
/// taken as enqueued when a trial of the study, in any state, has exactly its parameters. Matching is one-to-one, so an
/// assignment listed twice is enqueued twice. Two processes starting the same study at the same instant may both enqueue.
/// </remarks>
internal static class WarmStart
{
    /// <summary>Enqueues the assignments no trial has yet; returns how many were added.</summary>
    public static async Task<int> EnqueueAsync(
        IStudyStorage storage, string study, SearchSpace space, IReadOnlyList<IReadOnlyDictionary<string, object>> assignments, CancellationToken cancellationToken)
    {
        if (assignments.Count == 0) return 0;
        var pending = Pending(assignments, await storage.GetTrialsAsync(study, cancellationToken), space, study);
        foreach (var assignment in pending)
            await storage.EnqueueTrialAsync(study, assignment, cancellationToken);
        return pending.Count;
    }

    /// <summary>The completed assignments that match no existing trial, in the order given.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object>> Pending(
        IReadOnlyList<IReadOnlyDictionary<string, object>> assignments, IReadOnlyList<TrialRecord> existing, SearchSpace space, string study)
    {
        var used = new bool[existing.Count];
        var pending = new List<IReadOnlyDictionary<string, object>>();
        foreach (var assignment in assignments)
        {
            ArgumentNullException.ThrowIfNull(assignment, nameof(assignments));
            var complete = Complete(ParameterCodec.Normalize(assignment, space, study), space);
            var match = -1;
            for (var i = 0; i < existing.Count && match < 0; i++)
                if (!used[i] && SameAssignment(existing[i].Parameters, complete))
                    match = i;
            if (match >= 0) used[match] = true;
            else pending.Add(complete);
        }
        return pending;
    }

    /// <summary>
    /// Fills the active parameters an assignment leaves out with their defaults, so the stored trial shows what it
    /// trained with and a rerun recognises it.
    /// </summary>
    public static Dictionary<string, object> Complete(IReadOnlyDictionary<string, object> assignment, SearchSpace space)
    {
        var complete = new Dictionary<string, object>(assignment, StringComparer.Ordinal);
        foreach (var parameter in space)
            if (!complete.ContainsKey(parameter.Name) && SearchSpace.IsActive(parameter, complete))
                complete[parameter.Name] = parameter.DefaultValue;
        return complete;
    }

    private static bool SameAssignment(IReadOnlyDictionary<string, object> stored, IReadOnlyDictionary<string, object> wanted)
    {
        if (stored.Count != wanted.Count) return false;
        foreach (var (name, value) in wanted)
            if (!stored.TryGetValue(name, out var other) || !ParameterValues.SameValue(other, value))
                return false;
        return true;
    }
}
