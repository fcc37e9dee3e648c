using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

[Collection(TorchTrainingCollection.Name)]
public sealed class BadInputTests
{
    private readonly Trainer trainer = new(new TrainingOptions { Epochs = 1, BatchSize = 8 });

    [Fact]
    public void A_shape_mismatch_with_a_generated_model_names_both_shapes()
    {
        using var data = new TensorDataset(randn(10, 5), zeros(10, dtype: ScalarType.Int64));
        using var model = new TinyNet();

        var error = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(model, data));

        Assert.Equal("TinyNet.Forward: input 'x' must have shape [batch, 4], but got [10, 5] in the training set", error.Message);
    }

    [Fact]
    public void Predict_checks_the_input_shape_too()
    {
        using var model = new TinyNet();
        using var inputs = randn(3, 5);

        var error = Assert.ThrowsAny<ArgumentException>(() => trainer.Predict(model, inputs));

        Assert.Equal("TinyNet.Forward: input 'x' must have shape [batch, 4], but got [3, 5]", error.Message);
    }

    [Fact]
    public void A_shape_mismatch_with_an_image_model_names_both_shapes()
    {
        using var data = new TensorDataset(randn(10, 1, 28, 28), zeros(10, dtype: ScalarType.Int64));
        using var model = new TinyCnn();

        var error = Assert.ThrowsAny<ArgumentException>(() => trainer.Evaluate(model, data));

        Assert.Equal("TinyCnn.Forward: input 'image' must have shape [batch, 1, 6, 6], but got [10, 1, 28, 28] in the evaluation set", error.Message);
    }

    [Fact]
    public void A_shape_mismatch_with_a_hand_written_model_is_one_error_with_the_data_shape()
    {
        using var data = new TensorDataset(randn(10, 5), zeros(10, dtype: ScalarType.Int64));
        using var model = nn.Sequential(("fc", nn.Linear(4, 3)));

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(model, data));

        Assert.StartsWith("Sequential failed on the first batch of the training set, whose inputs are shaped [N, 5]:", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void A_validation_set_of_another_shape_is_rejected_before_training()
    {
        using var train = Synthetic.Blobs(12, seed: 1);
        using var validation = new TensorDataset(randn(6, 3), zeros(6, dtype: ScalarType.Int64));
        using var model = new TinyNet();
        var recorder = new RecordingCallback();

        var error = Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(model, train, validation, recorder));

        Assert.Equal("TinyNet.Forward: input 'x' must have shape [batch, 4], but got [6, 3] in the validation set", error.Message);
        Assert.Empty(recorder.Starts);
    }

    [Fact]
    public void An_empty_dataset_is_a_clear_error()
    {
        using var empty = new TensorDataset(zeros(0, 4), zeros(0, dtype: ScalarType.Int64));
        using var model = new TinyNet();

        Assert.Equal("The training set is empty. (Parameter 'data')", Assert.Throws<ArgumentException>(() => trainer.Fit(model, empty)).Message);
        Assert.StartsWith("The evaluation set is empty.", Assert.Throws<ArgumentException>(() => trainer.Evaluate(model, empty)).Message);
    }

    [Fact]
    public void Labels_out_of_range_name_the_label_and_the_valid_range()
    {
        using var data = new TensorDataset(randn(6, 4), tensor(new long[] { 0, 1, 2, 7, 1, 0 }));
        using var model = new TinyNet();

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(model, data));

        Assert.StartsWith("The training set has label 7, but TinyNet outputs 3 classes, so labels must lie in [0, 2].", error.Message);
    }

    [Fact]
    public void Negative_labels_are_out_of_range_too()
    {
        using var data = new TensorDataset(randn(3, 4), tensor(new long[] { 0, -1, 2 }));
        using var model = new TinyNet();

        Assert.Contains("label -1", Assert.Throws<ArgumentException>(() => trainer.Fit(model, data)).Message);
    }

    [Fact]
    public void Float_labels_for_cross_entropy_are_a_clear_error()
    {
        using var data = new TensorDataset(randn(4, 4), zeros(4, 3));
        using var model = new TinyNet();

        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(model, data));

        Assert.StartsWith("Cross-entropy needs class-index labels of an integer type shaped [N], but the training set's labels are Float32 [N, 3].", error.Message);
    }

    [Fact]
    public void Regression_targets_must_match_the_output_shape()
    {
        using var data = new TensorDataset(randn(4, 4), zeros(4, 2));
        using var model = new TinyRegressor();

        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { Loss = LossKind.MeanSquaredError }).Fit(model, data));

        Assert.StartsWith("Mean squared error needs targets shaped like the output, [N, 1], but the training set's labels are [N, 2].", error.Message);
    }

    [Fact]
    public void Binary_targets_outside_zero_and_one_are_rejected()
    {
        using var data = new TensorDataset(randn(4, 4), tensor(new float[] { 0, 1, 2, 0 }));
        using var model = new TinyRegressor();

        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { Loss = LossKind.BinaryCrossEntropy }).Fit(model, data));

        Assert.Contains("[0, 2]", error.Message);
    }

    [Fact]
    public void A_multi_input_dataset_for_a_single_input_model_is_rejected()
    {
        using var data = new TensorDataset([randn(4, 4), randn(4, 2)], zeros(4, dtype: ScalarType.Int64));
        using var model = new TinyNet();

        Assert.StartsWith("TinyNet takes 1 input(s), but the training set has 2.", Assert.Throws<ArgumentException>(() => trainer.Fit(model, data)).Message);
    }

    [Fact]
    public void Datasets_reject_inputs_and_labels_of_different_lengths()
    {
        using var inputs = randn(5, 4);
        using var labels = zeros(4, dtype: ScalarType.Int64);

        Assert.StartsWith("Input 0 holds 5 samples but labels hold 4", Assert.Throws<ArgumentException>(() => new TensorDataset(inputs, labels)).Message);
    }

    [Theory]
    [InlineData("Epochs")]
    [InlineData("BatchSize")]
    [InlineData("LearningRate")]
    [InlineData("Momentum")]
    [InlineData("Nesterov")]
    [InlineData("WeightDecay")]
    [InlineData("GradientClipNorm")]
    [InlineData("LabelSmoothing")]
    [InlineData("Schedule")]
    [InlineData("EarlyStopping")]
    public void Invalid_options_throw_when_the_trainer_is_built(string option)
    {
        var options = option switch
        {
            "Epochs" => new TrainingOptions { Epochs = 0 },
            "BatchSize" => new TrainingOptions { BatchSize = 0 },
            "LearningRate" => new TrainingOptions { LearningRate = double.NaN },
            "Momentum" => new TrainingOptions { Momentum = 1.5 },
            "Nesterov" => new TrainingOptions { Nesterov = true },
            "WeightDecay" => new TrainingOptions { WeightDecay = -1 },
            "GradientClipNorm" => new TrainingOptions { GradientClipNorm = 0 },
            "LabelSmoothing" => new TrainingOptions { LabelSmoothing = 0.1, Loss = LossKind.MeanSquaredError },
            "Schedule" => new TrainingOptions { Schedule = LearningRateSchedule.Cosine().WithWarmup(epochs: -1) },
            _ => new TrainingOptions { EarlyStopping = new EarlyStopping { Patience = 0 } },
        };

        var error = Assert.Throws<ArgumentException>(() => new Trainer(options));

        Assert.Contains(option == "Schedule" ? "Warm-up" : option, error.Message);
    }
}
