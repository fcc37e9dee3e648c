using Dsl.Runtime.Tests.Training;
using Dsl.Sweeps;
using TorchSharp;

namespace Dsl.Runtime.Tests.Sweeps;

[Collection(TorchTrainingCollection.Name)]
public sealed class SweepMemoryTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Trials_leave_no_live_tensors_behind()
    {
        using var data = SweepKit.Data();
        var live = new List<long>();
        // TorchSharp counts live tensors per thread; a trial's end is reported on the job thread that trained it.
        var progress = new TrialEndProbe(() => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));

        await SweepKit.RunAsync(data, SweepKit.Options(folder.Path, trials: 12) with { Progress = progress });

        Assert.Equal(12, live.Count);
        Assert.True(live[^1] - live[1] <= 0, $"live tensors on the job thread after each trial: {string.Join(", ", live)}");
    }

    private sealed class TrialEndProbe(Action probe) : ISweepObserver
    {
        public void TrialEnded(TrialEnd trial) => probe();
    }
}
