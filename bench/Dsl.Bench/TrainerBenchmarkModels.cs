using Dsl;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Bench.Training;

/// <summary>
/// The sample's FashionCnn as it was before it gained BatchNorm, kept so that it matches the hand-written twin below and
/// the PyTorch peer (../shared/peers/cnn_torch.py), neither of which has BatchNorm.
/// </summary>
[Model(Input = new[] { 1, 28, 28 }, Outputs = 10)]
public partial class GeneratedFashionCnn
{
    [Hyperparameter(16, 64, Default = 32)]
    public partial int Channels { get; }

    [Hyperparameter(32, 512, Log = true, Default = 128)]
    public partial int Hidden { get; }

    [Hyperparameter(0.0, 0.5, Default = 0.25)]
    public partial double DropoutRate { get; }

    [Hyperparameter(Default = Activation.ReLU)]
    public partial Activation Act { get; }

    private int Wide => Channels * 2;

    [Conv2d(nameof(Channels), 3, Padding = 1), Activate(nameof(Act)), MaxPool2d(2)]
    [Conv2d(nameof(Wide), 3, Padding = 1), Activate(nameof(Act)), MaxPool2d(2)]
    [Flatten, Linear(nameof(Hidden)), Activate(nameof(Act)), Dropout(nameof(DropoutRate))]
    [Linear(10)]
    public partial Tensor Forward(Tensor image);
}

/// <summary>The same network written by hand the way TorchSharp's own examples write it.</summary>
public sealed class HandwrittenFashionCnn : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d conv1 = nn.Conv2d(1, 32, 3, padding: 1);
    private readonly TorchSharp.Modules.ReLU relu1 = nn.ReLU();
    private readonly TorchSharp.Modules.MaxPool2d pool1 = nn.MaxPool2d(2);
    private readonly TorchSharp.Modules.Conv2d conv2 = nn.Conv2d(32, 64, 3, padding: 1);
    private readonly TorchSharp.Modules.ReLU relu2 = nn.ReLU();
    private readonly TorchSharp.Modules.MaxPool2d pool2 = nn.MaxPool2d(2);
    private readonly TorchSharp.Modules.Flatten flatten = nn.Flatten();
    private readonly TorchSharp.Modules.Linear fc1 = nn.Linear(64 * 7 * 7, 128);
    private readonly TorchSharp.Modules.ReLU relu3 = nn.ReLU();
    private readonly TorchSharp.Modules.Dropout dropout = nn.Dropout(0.25);
    private readonly TorchSharp.Modules.Linear fc2 = nn.Linear(128, 10);

    public HandwrittenFashionCnn() : base(nameof(HandwrittenFashionCnn)) => RegisterComponents();

    public override Tensor forward(Tensor image)
    {
        using var scope = NewDisposeScope();
        var x = pool1.call(relu1.call(conv1.call(image)));
        x = pool2.call(relu2.call(conv2.call(x)));
        x = dropout.call(relu3.call(fc1.call(flatten.call(x))));
        return fc2.call(x).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose(); relu1.Dispose(); pool1.Dispose();
            conv2.Dispose(); relu2.Dispose(); pool2.Dispose();
            flatten.Dispose(); fc1.Dispose(); relu3.Dispose(); dropout.Dispose(); fc2.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}
