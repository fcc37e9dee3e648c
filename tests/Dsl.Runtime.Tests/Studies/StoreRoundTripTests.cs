using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Pruning;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.Relational;
using Xunit.Abstractions;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>
/// How many times a sweep goes to its store per trial. Two sweeps on fresh SQLite files, of 5 and 10 trials of 3 epochs
/// with a pruner that asks every epoch, differ by 5 trials: their difference is what a trial costs, setup excluded.
/// </summary>
/// <remarks>Run with <c>dotnet test tests/Dsl.Runtime.Tests --filter StoreRoundTripTests --logger "console;verbosity=detailed"</c> to see the table.</remarks>
[Collection(TorchTrainingCollection.Name)]
public sealed class StoreRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private const int Epochs = 3;

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Store_round_trips_per_trial(bool withPruner)
    {
        using var data = SweepKit.Data();
        output.WriteLine(withPruner ? "with a pruner:" : "without a pruner:");
        var small = await CountAsync(data, trials: 5, withPruner);
        var large = await CountAsync(data, trials: 10, withPruner);

        var methods = large.Calls.Calls.Keys.Union(small.Calls.Calls.Keys).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"store calls per trial ({Epochs} epochs), from sweeps of 10 and 5 trials:");
        foreach (var method in methods)
            output.WriteLine($"  {method}: {PerTrial(large.Calls.Calls.GetValueOrDefault(method), small.Calls.Calls.GetValueOrDefault(method))}");
        output.WriteLine($"  all calls: {PerTrial(large.Calls.TotalCalls, small.Calls.TotalCalls)}");
        output.WriteLine($"SQL statements per trial: {PerTrial(large.Statements, small.Statements)}");
        output.WriteLine($"trial records handed back by the store in the 10-trial sweep: {large.Calls.RecordsRead} (5 trials: {small.Calls.RecordsRead})");
        output.WriteLine($"trials read from the database in full in the 10-trial sweep: {large.Loaded} (5 trials: {small.Loaded})");

        // Per trial: a read and a claim, a report and a pruner's read per epoch, one finish with every attribute, and at
        // most one checkpoint it pushes out of the kept ones. Finished trials come from the cache: each is read in full
        // about once per read while it runs, and once more when it finishes.
        Assert.True(PerTrialValue(large.Calls.TotalCalls, small.Calls.TotalCalls) <= 3 + (withPruner ? 2 : 1) * Epochs + 1, "too many store calls per trial");
        Assert.True(large.Loaded <= 10 * (2 * Epochs + 4), $"{large.Loaded} trials read in full for 10 trials: finished ones are not cached");
    }

    private static double PerTrialValue(long large, long small) => (large - small) / 5.0;

    private static string PerTrial(long large, long small) => PerTrialValue(large, small).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(CountingStudyStorage Calls, long Statements, long Loaded)> CountAsync(Dsl.Sweeps.SweepData data, int trials, bool withPruner)
    {
        await using var sqlite = StudyStorage.Sqlite(folder.File($"count-{trials}.db"));
        var counting = new CountingStudyStorage(sqlite);
        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.File($"out-{trials}"), trials) with { Storage = counting, Pruner = withPruner ? new NeverPrune() : null },
            SweepKit.Definition(epochs: Epochs));
        Assert.Equal(trials, result.Trials.Count(t => t.State == TrialState.Complete));
        var statistics = ((RelationalStudyStorage)sqlite).Statistics;
        return (counting, statistics.Statements, statistics.TrialsLoaded);
    }

    /// <summary>A pruner that reads the history every epoch, as real ones do, and never prunes, so every trial runs all its epochs.</summary>
    private sealed class NeverPrune : IPruner
    {
        public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction) => false;
    }
}
