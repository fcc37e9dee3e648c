using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Search.Pruners;
using Dsl.Studies;
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

    [Fact]
    public async Task Store_round_trips_per_trial()
    {
        using var data = SweepKit.Data();
        var small = await CountAsync(data, trials: 5);
        var large = await CountAsync(data, trials: 10);

        var methods = large.Calls.Keys.Union(small.Calls.Keys).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"store calls per trial ({Epochs} epochs, a pruner asking every epoch), from sweeps of 10 and 5 trials:");
        foreach (var method in methods)
            output.WriteLine($"  {method}: {PerTrial(large.Calls.GetValueOrDefault(method), small.Calls.GetValueOrDefault(method))}");
        output.WriteLine($"  all calls: {PerTrial(large.TotalCalls, small.TotalCalls)}");
        output.WriteLine($"trial records handed back by the store in the 10-trial sweep: {large.RecordsRead} (5 trials: {small.RecordsRead})");
    }

    private static string PerTrial(int large, int small) => ((large - small) / 5.0).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<CountingStudyStorage> CountAsync(Dsl.Sweeps.SweepData data, int trials)
    {
        await using var sqlite = Storage.Sqlite(folder.File($"count-{trials}.db"));
        var counting = new CountingStudyStorage(sqlite);
        var result = await SweepKit.RunAsync(data, SweepKit.Options(folder.File($"out-{trials}"), trials) with { Storage = counting, Pruner = new NeverPrune() },
            SweepKit.Definition(epochs: Epochs));
        Assert.Equal(trials, result.Trials.Count(t => t.State == TrialState.Complete));
        return counting;
    }

    /// <summary>A pruner that reads the history every epoch, as real ones do, and never prunes, so every trial runs all its epochs.</summary>
    private sealed class NeverPrune : IPruner
    {
        public bool ShouldPrune(TrialRecord trial, IReadOnlyList<TrialRecord> history, StudyDirection direction) => false;
    }
}
