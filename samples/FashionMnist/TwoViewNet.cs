using Dsl;
using static TorchSharp.torch;

namespace FashionMnistSample;

/// <summary>
/// One garment seen two ways: the image through a small CNN, and its row and column intensity profiles (a 56-value
/// tabular vector) through an MLP, merged at a fusion point whose op is itself a hyperparameter.
/// </summary>
[Model(Outputs = 10)]
public partial class TwoViewNet
{
    [Hyperparameter(8, 32, Default = 16)]
    public partial int Channels { get; }

    [Hyperparameter(32, 256, Log = true, Default = 64)]
    public partial int Width { get; }

    [Hyperparameter(Default = FusionKind.Attention)]
    public partial FusionKind Merge { get; }

    [Conv2d(nameof(Channels), 3, Padding = 1), Activate(Activation.ReLU), MaxPool2d(2)]
    [Conv2d(nameof(Channels), 3, Padding = 1), Activate(Activation.ReLU), MaxPool2d(2), Flatten]
    private partial Tensor ImageBranch(Tensor image);

    [Linear(nameof(Width)), Activate(Activation.GELU), Linear(nameof(Width))]
    private partial Tensor ProfileBranch(Tensor profile);

    [Fuse(nameof(Merge), nameof(ImageBranch), nameof(ProfileBranch), Width = nameof(Width))]
    [Activate(Activation.ReLU), Linear(10)]
    public partial Tensor Forward([Shape(1, 28, 28)] Tensor image, [Shape(56)] Tensor profile);

    /// <summary>The tabular view of a batch of images: the mean intensity of each row and each column.</summary>
    public static Tensor Profiles(Tensor images)
    {
        using var scope = NewDisposeScope();
        var rows = images.mean([3L]).flatten(1);
        var columns = images.mean([2L]).flatten(1);
        return cat([rows, columns], 1).MoveToOuterDisposeScope();
    }
}
