using Dsl;
using Dsl.Layers;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Layers;

/// <summary>A Fashion-MNIST-shaped CNN: its flattened size fixes every input dimension.</summary>
[Model(Input = new[] { 1, 28, 28 }, Outputs = 3)]
public partial class ShapeCheckedCnn
{
    [Conv2d(4, 3, Padding = 1), Activate(Activation.ReLU), MaxPool2d(2), Flatten, Linear(3)]
    public partial Tensor Forward(Tensor image);
}

/// <summary>Token ids averaged over time: no layer is built from the length, so any length fits.</summary>
[Model(Input = new[] { 12 }, Outputs = 3)]
public partial class AnyLengthText
{
    [Embedding(30, 8), GRU(6, Return = Sequence.All), PoolSequence(SequencePooling.Mean), Linear(3)]
    public partial Tensor Forward(Tensor tokens);
}

[Collection(TorchTrainingCollection.Name)]
public sealed class InputShapeTests
{
    private readonly Trainer trainer = new(new TrainingOptions { Epochs = 1, BatchSize = 4 });

    [Fact]
    public void A_wrong_shape_names_the_model_the_input_and_both_shapes()
    {
        using var model = new ShapeCheckedCnn();
        using var flat = randn(5, 784);

        var error = Assert.Throws<InputShapeException>(() => model.call(flat));

        Assert.Equal("ShapeCheckedCnn.Forward: input 'image' must have shape [batch, 1, 28, 28], but got [5, 784]", error.Message);
        Assert.Equal("image", error.ParamName);
    }

    [Fact]
    public void Fit_on_wrongly_shaped_data_gives_the_models_own_message_and_the_dataset()
    {
        using var model = new ShapeCheckedCnn();
        using var data = new TensorDataset(randn(10, 784), zeros(10, dtype: ScalarType.Int64));
        var direct = Assert.Throws<InputShapeException>(() => model.call(data.InputTensors[0])).Message;

        var error = Assert.Throws<InputShapeException>(() => trainer.Fit(model, data));

        Assert.Equal(direct + " in the training set", error.Message);
        Assert.Equal("ShapeCheckedCnn.Forward: input 'image' must have shape [batch, 1, 28, 28], but got [10, 784] in the training set", error.Message);
    }

    [Fact]
    public void A_two_input_model_names_the_input_that_is_wrong()
    {
        using var model = new TwoHalvesNet();
        using var data = new TensorDataset([randn(10, 2), randn(10, 3)], zeros(10, dtype: ScalarType.Int64));

        var error = Assert.Throws<InputShapeException>(() => trainer.Fit(model, data));

        Assert.Equal("TwoHalvesNet.Forward: input 'back' must have shape [batch, 2], but got [10, 3] in the training set", error.Message);
    }

    [Fact]
    public void A_free_sequence_length_takes_any_length_but_not_another_rank()
    {
        using var model = new AnyLengthText();
        using var shorter = randint(0, 30, [4, 5]);
        using var longer = randint(0, 30, [4, 40]);
        using var extraDimension = randint(0, 30, [4, 12, 2]);

        using (var output = model.call(shorter)) Assert.Equal(new long[] { 4, 3 }, output.shape);
        using (var output = model.call(longer)) Assert.Equal(new long[] { 4, 3 }, output.shape);
        var error = Assert.Throws<InputShapeException>(() => model.call(extraDimension));

        Assert.Equal("AnyLengthText.Forward: input 'tokens' must have shape [batch, any], but got [4, 12, 2]", error.Message);
    }
}
