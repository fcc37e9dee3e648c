using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>
/// Random shifts with zero padding, horizontal flips and random erasing of training image batches (N×C×H×W), done with
/// tensor ops on the batch's device and drawn from a generator seeded by the run's seed and the epoch.
/// </summary>
internal sealed class BatchAugmentation
{
    private const ulong AugmentStream = 0x4155_474D;
    // Random erasing's usual ranges (Zhong et al. 2020): 2% to 33% of the image, aspect ratio 0.3 to 3.3.
    private const double MinEraseArea = 0.02, MaxEraseArea = 0.33;
    private static readonly double MinLogRatio = Math.Log(0.3), MaxLogRatio = Math.Log(1 / 0.3);

    private readonly int shift;
    private readonly bool flip;
    private readonly double erase;

    internal BatchAugmentation(int shift, bool flip, double erase) => (this.shift, this.flip, this.erase) = (shift, flip, erase);

    /// <summary>The augmentation the options ask for, or null when they ask for none (the training loop then does nothing extra).</summary>
    public static BatchAugmentation? For(TrainingOptions options) =>
        options.AugmentShift > 0 || options.AugmentFlip || options.AugmentErase > 0
            ? new BatchAugmentation(options.AugmentShift, options.AugmentFlip, options.AugmentErase)
            : null;

    /// <summary>The generator of one epoch's draws: equal seeds and epochs give equal augmentations, resumed or not.</summary>
    public static Generator EpochGenerator(int seed, int epoch, Device device) =>
        new((ulong)Seeds.ForEpoch(seed, epoch, AugmentStream), device);

    /// <summary>Replaces every image input (4-D) of a batch by its augmented copy, in the caller's dispose scope.</summary>
    public void Apply(Tensor[] inputs, Generator generator)
    {
        for (var i = 0; i < inputs.Length; i++)
            if (inputs[i].dim() == 4) inputs[i] = Apply(inputs[i], generator);
    }

    /// <summary>An augmented copy of an N×C×H×W batch.</summary>
    public Tensor Apply(Tensor images, Generator generator)
    {
        using var noGrad = no_grad();
        var x = images;
        if (shift > 0) x = Shift(x, generator);
        if (flip) x = Flip(x, generator);
        if (erase > 0) x = Erase(x, generator);
        return x;
    }

    /// <summary>A random crop of the zero-padded image: each sample moves by up to <see cref="shift"/> pixels each way.</summary>
    private Tensor Shift(Tensor x, Generator generator)
    {
        var (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var padded = nn.functional.pad(x, [shift, shift, shift, shift]);
        var dy = randint(0, 2 * shift + 1, [n], dtype: ScalarType.Int64, device: x.device, generator: generator);
        var dx = randint(0, 2 * shift + 1, [n], dtype: ScalarType.Int64, device: x.device, generator: generator);
        var rows = arange(h, ScalarType.Int64, x.device).unsqueeze(0) + dy.unsqueeze(1);
        var columns = arange(w, ScalarType.Int64, x.device).unsqueeze(0) + dx.unsqueeze(1);
        var byRow = padded.gather(2, rows.view(n, 1, h, 1).expand(n, c, h, w + 2 * shift));
        return byRow.gather(3, columns.view(n, 1, 1, w).expand(n, c, h, w));
    }

    private static Tensor Flip(Tensor x, Generator generator)
    {
        var n = x.shape[0];
        var flipped = rand([n], device: x.device, generator: generator) < 0.5;
        return where(flipped.view(n, 1, 1, 1), x.flip(3), x);
    }

    /// <summary>With probability <see cref="erase"/> per sample, sets a random rectangle of every channel to 0.</summary>
    private Tensor Erase(Tensor x, Generator generator)
    {
        var (n, h, w) = (x.shape[0], x.shape[2], x.shape[3]);
        var device = x.device;
        var chosen = rand([n], device: device, generator: generator) < erase;
        var area = (rand([n], device: device, generator: generator) * (MaxEraseArea - MinEraseArea) + MinEraseArea) * (h * w);
        var ratio = (rand([n], device: device, generator: generator) * (MaxLogRatio - MinLogRatio) + MinLogRatio).exp();
        var height = (area * ratio).sqrt().round().clamp(1, h);
        var width = (area / ratio).sqrt().round().clamp(1, w);
        var top = (rand([n], device: device, generator: generator) * (h - height + 1)).floor();
        var left = (rand([n], device: device, generator: generator) * (w - width + 1)).floor();
        var rowIndex = arange(h, ScalarType.Float32, device).unsqueeze(0);
        var columnIndex = arange(w, ScalarType.Float32, device).unsqueeze(0);
        var inRows = (rowIndex >= top.unsqueeze(1)) & (rowIndex < (top + height).unsqueeze(1));
        var inColumns = (columnIndex >= left.unsqueeze(1)) & (columnIndex < (left + width).unsqueeze(1));
        var mask = inRows.unsqueeze(2) & inColumns.unsqueeze(1) & chosen.view(n, 1, 1);
        return x.masked_fill(mask.unsqueeze(1), 0);
    }
}
