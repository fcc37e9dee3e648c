using Dsl;
using TorchSharp;
using static TorchSharp.torch;

namespace FashionMnistSample;

/// <summary>A two-block CNN for 28×28 grayscale images; the generator computes every layer size from Input.</summary>
[Model(Input = new[] { 1, 28, 28 }, Outputs = 10)]
public partial class FashionCnn
{
    [Hyperparameter(16, 48, Step = 8, Default = 32)]
    public partial int Channels { get; }

    [Hyperparameter(32, 512, Log = true, Default = 128)]
    public partial int Hidden { get; }

    [Hyperparameter(0.0, 0.5, Default = 0.25)]
    public partial double DropoutRate { get; }

    [Hyperparameter(Choices = new object[] { Activation.ReLU, Activation.GELU, Activation.SiLU }, Default = Activation.ReLU)]
    public partial Activation Act { get; }

    /// <summary>The second block doubles the channels; derived sizes are plain C#.</summary>
    private int Wide => Channels * 2;

    [Conv2d(nameof(Channels), 3, Padding = 1), BatchNorm2d, Activate(nameof(Act)), MaxPool2d(2)]
    [Conv2d(nameof(Wide), 3, Padding = 1), BatchNorm2d, Activate(nameof(Act)), MaxPool2d(2)]
    [Flatten, Linear(nameof(Hidden)), Activate(nameof(Act)), Dropout(nameof(DropoutRate))]
    [Linear(10)]
    public partial Tensor Forward(Tensor image);
}
