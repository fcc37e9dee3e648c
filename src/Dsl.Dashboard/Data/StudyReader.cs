using System.Collections.Concurrent;
using System.Diagnostics;
using Dsl.Studies;

namespace Dsl.Dashboard.Data;

/// <summary>Reads studies from the store, sharing one read among the requests that arrive within a short window.</summary>
/// <remarks>
/// A study page asks for its table, six charts and the revision at once; with ten thousand trials each read costs tens
/// of milliseconds, so they share one. The window is short enough that a page polling every two seconds sees every change.
/// </remarks>
internal sealed class StudyReader(IStudyStorage storage)
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);
    private readonly ConcurrentDictionary<string, (long At, Task<StudySnapshot?> Read)> studies = new(StringComparer.Ordinal);
    // A reference, so that a request never sees half of another's update.
    private Tuple<long, Task<IReadOnlyList<StudySummary>>>? list;

    public IStudyStorage Storage => storage;

    /// <summary>Every study in the store.</summary>
    public Task<IReadOnlyList<StudySummary>> StudiesAsync(CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        if (list is { } cached && Stopwatch.GetElapsedTime(cached.Item1) < Window && !cached.Item2.IsFaulted && !cached.Item2.IsCanceled)
            return cached.Item2;
        cancellationToken.ThrowIfCancellationRequested();
        // Shared with the requests that follow, so no one request may cancel it.
        var read = storage.GetStudiesAsync(CancellationToken.None);
        list = Tuple.Create(now, read);
        return read;
    }

    /// <summary>The study named <paramref name="name"/>, or null when the store has none by that name.</summary>
    public async Task<StudySnapshot?> StudyAsync(string name, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = Stopwatch.GetTimestamp();
        var entry = studies.AddOrUpdate(name,
            _ => (now, ReadAsync(name)),
            (_, old) => Stopwatch.GetElapsedTime(old.At) < Window && !old.Read.IsFaulted && !old.Read.IsCanceled ? old : (now, ReadAsync(name)));
        var study = await entry.Read;
        // Names of no study are not kept: anyone could otherwise grow the cache with made-up names.
        if (study is null) studies.TryRemove(KeyValuePair.Create(name, entry));
        return study;
    }

    /// <remarks>The read outlives the request that started it (others may wait on it), so no request cancels it.</remarks>
    private async Task<StudySnapshot?> ReadAsync(string name)
    {
        var summary = (await storage.GetStudiesAsync(CancellationToken.None)).FirstOrDefault(s => s.Name == name);
        if (summary is null) return null;
        var trials = await storage.GetTrialsAsync(name, CancellationToken.None);
        var attributes = await storage.GetStudyAttributesAsync(name, CancellationToken.None);
        return new StudySnapshot(summary, trials, attributes);
    }
}
