using Dsl;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Layers;

/// <summary>A generated CNN whose stride, padding, dilation and pooling window are hyperparameters.</summary>
[Model(Input = new[] { 1, 12, 12 }, Outputs = 3)]
public partial class SearchedWindowNet
{
    [Hyperparameter(1, 2, Default = 1)] public partial int Step { get; }
    [Hyperparameter(0, 2, Default = 1)] public partial int Pad { get; }
    [Hyperparameter(1, 2, Default = 1)] public partial int Spread { get; }
    [Hyperparameter(1, 3, Default = 2)] public partial int Window { get; }

    [Conv2d(4, 3, Stride = nameof(Step), Padding = nameof(Pad), Dilation = nameof(Spread)), Activate(Activation.ReLU)]
    [MaxPool2d(nameof(Window)), Flatten, Linear(3)]
    public partial Tensor Forward(Tensor image);
}

/// <summary>A generated 1-D CNN whose pooling windows, stride and padding are hyperparameters.</summary>
[Model(Input = new[] { 2, 30 }, Outputs = 3)]
public partial class SearchedWindow1dNet
{
    [Hyperparameter(2, 3, Default = 2)] public partial int Window { get; }
    [Hyperparameter(1, 2, Default = 1)] public partial int Step { get; }
    [Hyperparameter(0, 1, Default = 0)] public partial int Pad { get; }

    [Conv1d(4, 3), MaxPool1d(nameof(Window), Stride = nameof(Step), Padding = nameof(Pad)), AvgPool1d(nameof(Window), Padding = nameof(Pad))]
    [Flatten, Linear(3)]
    public partial Tensor Forward(Tensor signal);
}

[Collection(Training.TorchTrainingCollection.Name)]
public sealed class SearchedWindowTests
{
    public static TheoryData<int, int, int, int> Combinations()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (var step in new[] { 1, 2 })
            foreach (var pad in new[] { 0, 2 })
                foreach (var spread in new[] { 1, 2 })
                    foreach (var window in new[] { 1, 3 })
                        data.Add(step, pad, spread, window);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Every_combination_builds_and_runs_with_the_sizes_computed_in_the_constructor(int step, int pad, int spread, int window)
    {
        var hyperparameters = new SearchedWindowNet.Hyperparameters { Step = step, Pad = pad, Spread = spread, Window = window };
        using var model = Trainer.CreateModel<SearchedWindowNet, SearchedWindowNet.Hyperparameters>(hyperparameters, seed: 0);
        using var input = randn(2, 1, 12, 12);

        using var output = model.call(input);

        Assert.Equal(new long[] { 2, 3 }, output.shape);
        // PyTorch's formula, computed here independently of the generator.
        var convolved = (12 + 2 * pad - spread * 2 - 1) / step + 1;
        var pooled = (convolved - window) / window + 1;
        var linear = model.named_modules().Select(m => m.module).OfType<TorchSharp.Modules.Linear>().Single();
        Assert.Equal(4L * pooled * pooled, linear.in_features);
    }

    [Theory]
    [InlineData(2, 1, 0)]
    [InlineData(2, 2, 1)]
    [InlineData(3, 1, 1)]
    [InlineData(3, 2, 0)]
    public void One_dimensional_pooling_windows_build_and_run_with_the_sizes_computed_in_the_constructor(int window, int step, int pad)
    {
        var hyperparameters = new SearchedWindow1dNet.Hyperparameters { Window = window, Step = step, Pad = pad };
        using var model = Trainer.CreateModel<SearchedWindow1dNet, SearchedWindow1dNet.Hyperparameters>(hyperparameters, seed: 0);
        using var input = randn(2, 2, 30);

        using var output = model.call(input);

        Assert.Equal(new long[] { 2, 3 }, output.shape);
        // PyTorch's formula, computed here independently of the generator; the average pool steps by its window.
        var maxPooled = (28 + 2 * pad - window) / step + 1;
        var averaged = (maxPooled + 2 * pad - window) / window + 1;
        var linear = model.named_modules().Select(m => m.module).OfType<TorchSharp.Modules.Linear>().Single();
        Assert.Equal(4L * averaged, linear.in_features);
    }
}
