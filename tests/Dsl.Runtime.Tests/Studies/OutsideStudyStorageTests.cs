using Dsl.Runtime.Tests.Sweeps;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Sweeps;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>A store implemented outside this project keeps working: it needs no study attributes, and its own errors on a heartbeat do not end a sweep.</summary>
public sealed class OutsideStudyStorageTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task A_store_without_study_attributes_has_none_and_refuses_to_set_one_clearly()
    {
        IStudyStorage store = new OutsideStudyStorage(new InMemoryStudyStorage());

        Assert.Empty(await store.GetStudyAttributesAsync("study"));
        var error = await Assert.ThrowsAsync<NotSupportedException>(() => store.SetStudyAttributeAsync("study", "note", "x"));
        Assert.Contains("does not keep study attributes", error.Message);
    }

    [Fact]
    public async Task A_heartbeat_failing_with_any_exception_does_not_end_the_sweep()
    {
        var store = new OutsideStudyStorage(new InMemoryStudyStorage(), new InvalidOperationException("the driver's connection broke"));

        var result = await Bowl.RunAsync(new SweepOptions
        {
            Trials = 2,
            Storage = store,
            HeartbeatInterval = TimeSpan.FromMilliseconds(5),
            Progress = SweepProgress.None,
            OutputDirectory = folder.File("runs"),
        });

        Assert.All(result.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.True(store.Heartbeats > 1, $"The heartbeat ran {store.Heartbeats} times; it should go on beating after a failure.");
    }
}
