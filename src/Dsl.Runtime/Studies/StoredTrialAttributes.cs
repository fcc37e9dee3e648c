using System.Globalization;
using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>What the stores record about a trial in its reserved attributes (<see cref="TrialAttributeKeys"/>).</summary>
/// <remarks>These live with storage, not on <see cref="TrialRecord"/>: workers and heartbeats are the store's concern.</remarks>
public static class StoredTrialAttributes
{
    extension(TrialRecord trial)
    {
        /// <summary>The worker that claimed the trial, as the store recorded it; null for a trial never claimed.</summary>
        public string? WorkerId => trial.Attributes.TryGetValue(TrialAttributeKeys.Worker, out var worker) ? worker : null;

        /// <summary>The number of the trial this one retries, when the store enqueued it while recovering a dead worker's trial.</summary>
        public int? RetryOf =>
            trial.Attributes.TryGetValue(TrialAttributeKeys.RetryOf, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number
                : null;

        /// <summary>When the trial's worker last told the store it was alive; null once the store no longer tracks it.</summary>
        public DateTimeOffset? HeartbeatAt =>
            trial.Attributes.TryGetValue(TrialAttributeKeys.HeartbeatAt, out var text) && StoreTime.TryParse(text, out var at) ? at : null;
    }
}
