using Dsl.Search.Trials;

namespace Dsl.Studies.Relational;

/// <summary>The finished trials of one study as last read, each with the revision of its row at that read.</summary>
/// <remarks>
/// A finished trial never changes state, parameters or values, and every change to its attributes bumps its revision,
/// so an entry holds as long as the revision a read sees matches it; waiting and running trials are never kept.
/// </remarks>
internal sealed class FinishedTrialCache
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, (long Revision, TrialRecord Record)> trials = [];

    /// <summary>The trial as cached at <paramref name="revision"/>, or null when it is not cached or has changed since.</summary>
    public TrialRecord? TryGet(long trialId, long revision)
    {
        lock (gate)
            return trials.TryGetValue(trialId, out var entry) && entry.Revision == revision ? entry.Record : null;
    }

    public void Put(long trialId, long revision, TrialRecord record)
    {
        lock (gate)
            trials[trialId] = (revision, record);
    }
}
