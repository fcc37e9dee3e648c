using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

[Collection(TorchTrainingCollection.Name)]
public sealed class DataTests
{
    private static long[] LabelsOf(TensorDataset data) => data.Labels.data<long>().ToArray();

    [Fact]
    public void A_stratified_split_keeps_each_class_share_and_loses_no_sample()
    {
        // 60 / 30 / 10 samples of three classes, tagged with their index in feature 0.
        var labels = Enumerable.Range(0, 100).Select(i => i < 60 ? 0L : i < 90 ? 1L : 2L).ToArray();
        using var data = new TensorDataset(arange(100, dtype: ScalarType.Float32).reshape(100, 1), tensor(labels));

        var (train, validation) = data.Split(0.2, seed: 5);
        using (train)
        using (validation)
        {
            Assert.Equal((80L, 20L), (train.Count, validation.Count));
            Assert.Equal([12, 6, 2], LabelsOf(validation).CountBy(l => l).OrderBy(p => p.Key).Select(p => p.Value));
            var ids = train.Inputs.data<float>().Concat(validation.Inputs.data<float>()).Select(v => (int)v).Order();
            Assert.Equal(Enumerable.Range(0, 100), ids);
            // Labels follow their samples.
            Assert.All(validation.Inputs.data<float>().Zip(LabelsOf(validation)), p => Assert.Equal(labels[(int)p.First], p.Second));
        }
    }

    [Fact]
    public void Splits_are_seeded()
    {
        using var data = Synthetic.Blobs(60, seed: 1);

        var (a1, a2) = data.Split(0.25, seed: 3);
        var (b1, b2) = data.Split(0.25, seed: 3);
        var (c1, c2) = data.Split(0.25, seed: 4);
        using (a1) using (a2) using (b1) using (b2) using (c1) using (c2)
        {
            Assert.True(a2.Inputs.eq(b2.Inputs).all().item<bool>());
            Assert.False(a2.Inputs.eq(c2.Inputs).all().item<bool>());
        }
    }

    [Fact]
    public void A_stratified_split_needs_class_labels()
    {
        using var data = Synthetic.Regression(20, seed: 1);

        Assert.Contains("class-index labels", Assert.Throws<InvalidOperationException>(() => data.Split(0.2, seed: 1)).Message);
        var (train, validation) = data.Split(0.2, seed: 1, stratify: false);
        using (train) using (validation) Assert.Equal((16L, 4L), (train.Count, validation.Count));
    }

    [Fact]
    public void Normalisation_uses_training_statistics_for_every_set()
    {
        using var train = new TensorDataset(randn(500, 2, 3, 3).mul(tensor(new float[] { 2, 5 }).reshape(1, 2, 1, 1)).add(3), zeros(500, dtype: ScalarType.Int64));
        using var test = new TensorDataset(train.Inputs.clone(), zeros(500, dtype: ScalarType.Int64));

        var normalization = Normalization.Compute(train);
        normalization.Apply(train);
        normalization.Apply(test);

        Assert.Equal(2, normalization.Channels);
        Assert.InRange(normalization.Std[1], 4.5, 5.5);
        using var mean = train.Inputs.mean([0L, 2L, 3L]);
        using var std = train.Inputs.std([0L, 2L, 3L], unbiased: false);
        Assert.All(mean.data<float>().ToArray(), m => Assert.InRange(m, -1e-4, 1e-4));
        Assert.All(std.data<float>().ToArray(), s => Assert.InRange(s, 1 - 1e-4, 1 + 1e-4));
        Assert.True(train.Inputs.allclose(test.Inputs));
        using var fresh = normalization.Normalize(ones(1, 2, 3, 3));
        Assert.Equal((1 - normalization.Mean[0]) / normalization.Std[0], fresh[0, 0, 0, 0].ToDouble(), 5);
    }

    [Fact]
    public void Normalisation_of_tables_is_per_feature()
    {
        using var table = tensor(new float[] { 1, 10, 3, 30 }, [2, 2]);

        var normalization = Normalization.Compute(table);

        Assert.Equal([2.0, 20.0], normalization.Mean);
        Assert.Equal([1.0, 10.0], normalization.Std);
        Assert.Contains("3 channels", Assert.Throws<ArgumentException>(() => new Normalization([0, 0, 0], [1, 1, 1]).Normalize(table)).Message);
    }

    [Fact]
    public void Subset_copies_the_selected_rows_of_every_input()
    {
        using var data = new TensorDataset([arange(5, dtype: ScalarType.Float32).reshape(5, 1), arange(10, dtype: ScalarType.Float32).reshape(5, 2)], arange(5, dtype: ScalarType.Int64));

        using var subset = data.Subset([4, 1]);

        Assert.Equal([4L, 1L], subset.Labels.data<long>().ToArray());
        Assert.Equal([8f, 9f, 2f, 3f], subset.InputTensors[1].data<float>().ToArray());
        Assert.Equal([[1L], [2L]], subset.SampleShapes);
    }
}
