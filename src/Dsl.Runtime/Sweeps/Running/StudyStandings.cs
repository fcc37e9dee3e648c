using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Sweeps.Running;

/// <summary>
/// A sweep's latest view of its study: every trial as last read from the store, with this run's own results folded in
/// as they finish, so ranking a finished trial needs no read of its own.
/// </summary>
/// <remarks>
/// A view may lag behind other processes, which is safe for what it decides: complete trials never lose their value,
/// so a trial ranked outside the kept checkpoints stays outside, and a lagging view only keeps one too many until the
/// sweep tidies up at its end. Finished is final: an older read never turns a finished trial back into a running one.
/// </remarks>
internal sealed class StudyStandings(StudyDirection direction)
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<int, TrialRecord> trials = [];

    /// <summary>Takes in a read of the study.</summary>
    public void Update(IReadOnlyList<TrialRecord> read)
    {
        lock (gate)
            foreach (var trial in read)
                Fold(trial);
    }

    /// <summary>Takes in one trial as this run recorded it.</summary>
    public void Update(TrialRecord trial)
    {
        lock (gate) Fold(trial);
    }

    /// <summary>The complete trial with the best value, the lowest number winning ties.</summary>
    public TrialRecord? Best
    {
        get
        {
            lock (gate) return TrialSelection.Best(trials.Values, direction);
        }
    }

    /// <summary>Every trial, in number order.</summary>
    public IReadOnlyList<TrialRecord> Trials
    {
        get
        {
            lock (gate) return trials.Values.ToList();
        }
    }

    /// <summary>How many complete trials other than <paramref name="number"/> rank above a complete trial with <paramref name="value"/>.</summary>
    public int Rank(int number, double value)
    {
        lock (gate)
            return trials.Values.Count(t => t.Number != number && t.State == TrialState.Complete && t.Value is { } other
                                            && TrialSelection.IsBetter(other, t.Number, value, number, direction));
    }

    private void Fold(TrialRecord trial)
    {
        if (!trials.TryGetValue(trial.Number, out var known) || !known.IsFinished || trial.IsFinished)
            trials[trial.Number] = trial;
    }
}
