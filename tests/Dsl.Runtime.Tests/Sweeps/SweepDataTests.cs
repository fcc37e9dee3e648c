using Dsl.Runtime.Tests.Training;
using Dsl.Sweeps;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Sweeps;

[Collection(TorchTrainingCollection.Name)]
public sealed class SweepDataTests
{
    [Fact]
    public void Split_is_seeded_and_stratified_and_leaves_the_source_alone()
    {
        using var all = Synthetic.Blobs(90, seed: 4);

        using var data = SweepData.Split(all, validationFraction: 0.2, seed: 5);
        using var again = SweepData.Split(all, validationFraction: 0.2, seed: 5);

        Assert.Equal(72, data.Train.Count);
        Assert.Equal(18, data.Validation.Count);
        Assert.Null(data.Test);
        using var counts = bincount(data.Validation.Labels);
        Assert.Equal([6L, 6L, 6L], counts.data<long>().ToArray());
        Assert.Equal(data.Validation.Labels.data<long>().ToArray(), again.Validation.Labels.data<long>().ToArray());
        Assert.Equal(90, all.Count);
    }
}
