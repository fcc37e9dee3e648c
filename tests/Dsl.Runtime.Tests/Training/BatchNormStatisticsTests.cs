using Dsl.Runtime.Tests.ModelFusion;
using Dsl.Training;
using TorchSharp;
using static Dsl.Runtime.Tests.ModelFusion.SoupsTestKit;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

[Collection(TorchTrainingCollection.Name)]
public sealed class BatchNormStatisticsTests
{
    [Fact]
    public void One_batch_gives_the_mean_and_unbiased_variance_of_the_data_through_the_preceding_layers()
    {
        using var data = Synthetic.Blobs(48, seed: 3);
        using var net = new HandBatchNormNet();
        net.Norm.momentum = 0.3;
        using (no_grad()) net.Norm.running_mean!.fill_(9);
        net.eval();

        var layers = BatchNormStatistics.Recompute(net, data, batchSize: 48);

        Assert.Equal(1, layers);
        var (mean, variance) = StemStatistics(net, data.Inputs);
        AssertClose(mean, Values(net.Norm.running_mean!), 1e-5);
        AssertClose(variance, Values(net.Norm.running_var!), 1e-5);
        // Mode and momentum are as they were.
        Assert.False(net.training);
        Assert.False(net.Norm.training);
        Assert.Equal(0.3, net.Norm.momentum);
    }

    [Fact]
    public void Several_batches_average_every_batch_statistic_equally()
    {
        using var data = Synthetic.Blobs(48, seed: 3);
        using var net = new HandBatchNormNet();
        net.train();

        BatchNormStatistics.Recompute(net, data, batchSize: 16);

        var means = new float[6];
        var variances = new float[6];
        for (var offset = 0; offset < 48; offset += 16)
        {
            using var part = data.Inputs.narrow(0, offset, 16);
            var (mean, variance) = StemStatistics(net, part);
            for (var i = 0; i < 6; i++)
            {
                means[i] += mean[i] / 3;
                variances[i] += variance[i] / 3;
            }
        }
        AssertClose(means, Values(net.Norm.running_mean!), 1e-5);
        AssertClose(variances, Values(net.Norm.running_var!), 1e-5);
        Assert.Equal(3, net.Norm.num_batches_tracked!.item<long>());
        Assert.True(net.training);
        Assert.Equal(0.1, net.Norm.momentum);
    }

    [Fact]
    public void A_model_without_batch_norm_is_left_alone()
    {
        using var data = Synthetic.Blobs(12, seed: 3);
        using var net = new TinyNet();
        var before = Weights.Of(net);

        Assert.Equal(0, BatchNormStatistics.Recompute(net, data, batchSize: 4));
        Assert.True(Weights.Equal(before, Weights.Of(net)));
    }
}
