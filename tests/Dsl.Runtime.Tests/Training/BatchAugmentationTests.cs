using System.Diagnostics;
using Dsl.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Training;

/// <summary>A hand-written image classifier that records the sum of every input it sees, by mode, to show what augmentation touched.</summary>
internal sealed class RecordingImageNet : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Linear head;

    public RecordingImageNet() : base(nameof(RecordingImageNet))
    {
        head = nn.Linear(36, 3);
        RegisterComponents();
    }

    public List<(double Sum, long[] Shape)> Training { get; } = [];
    public List<(double Sum, long[] Shape)> Evaluation { get; } = [];

    public override Tensor forward(Tensor image)
    {
        (training ? Training : Evaluation).Add((image.sum().item<float>(), image.shape));
        return head.call(image.flatten(1));
    }
}

/// <summary>A sweep that searches every augmentation option.</summary>
[Dsl.Sweep(typeof(Dsl.Runtime.Tests.Sweeps.SweepNet), Epochs = 1)]
public partial class AugmentationSweep
{
    [Dsl.Hyperparameter(0, 3, Default = 2)] public partial int AugmentShift { get; }

    [Dsl.Hyperparameter(Default = true)] public partial bool AugmentFlip { get; }

    [Dsl.Hyperparameter(0.0, 0.5, Default = 0.25)] public partial double AugmentErase { get; }
}

[Collection(TorchTrainingCollection.Name)]
public sealed class BatchAugmentationTests(ITestOutputHelper output)
{
    private static Tensor Crafted(int n, int channels = 2, int size = 6) =>
        (arange(n * channels * size * size, ScalarType.Float32) + 1).view(n, channels, size, size);

    private static TensorDataset Images(int count, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return new TensorDataset(rand([count, 1, 6, 6], generator: generator), arange(count, ScalarType.Int64) % 3);
    }

    [Fact]
    public void Flipping_mirrors_some_images_left_to_right_and_leaves_the_others()
    {
        using var scope = NewDisposeScope();
        var images = Crafted(32);
        using var generator = BatchAugmentation.EpochGenerator(1, 1, CPU);

        var flipped = new BatchAugmentation(0, true, 0).Apply(images, generator);

        var mirrored = Enumerable.Range(0, 32).Count(i => flipped[i].equal(images[i].flip(2)).all().item<bool>());
        var kept = Enumerable.Range(0, 32).Count(i => flipped[i].equal(images[i]).all().item<bool>());
        Assert.Equal(32, mirrored + kept);
        Assert.InRange(mirrored, 4, 28);
    }

    [Fact]
    public void Erasing_zeroes_one_rectangle_of_every_channel_of_a_chosen_image()
    {
        using var scope = NewDisposeScope();
        var images = Crafted(32, size: 10);
        using var generator = BatchAugmentation.EpochGenerator(1, 1, CPU);

        var erased = new BatchAugmentation(0, false, 1).Apply(images, generator);

        for (var i = 0; i < 32; i++)
        {
            var zero = erased[i].eq(0);
            Assert.True(zero[0].equal(zero[1]).all().item<bool>(), $"image {i}: the channels were erased differently");
            var rows = zero[0].any(1).nonzero().flatten().data<long>().ToArray();
            var columns = zero[0].any(0).nonzero().flatten().data<long>().ToArray();
            Assert.NotEmpty(rows);
            // The zeros fill the bounding box of the zeros: one rectangle.
            Assert.Equal(rows.Length * columns.Length, zero[0].sum().item<long>());
            Assert.Equal(rows.Length, rows[^1] - rows[0] + 1);
            Assert.InRange(rows.Length * columns.Length, 1, 50);
            Assert.True(erased[i].masked_select(zero.logical_not()).equal(images[i].masked_select(zero.logical_not())).all().item<bool>(), $"image {i}: pixels outside the rectangle changed");
        }
    }

    [Fact]
    public void Shifting_moves_each_image_by_at_most_the_shift_and_fills_with_zeros()
    {
        using var scope = NewDisposeScope();
        var images = Crafted(32);
        using var generator = BatchAugmentation.EpochGenerator(1, 1, CPU);

        var shifted = new BatchAugmentation(2, false, 0).Apply(images, generator);

        var moves = new HashSet<(int, int)>();
        for (var i = 0; i < 32; i++)
        {
            var padded = nn.functional.pad(images[i], [2, 2, 2, 2]);
            var match = (from dy in Enumerable.Range(0, 5) from dx in Enumerable.Range(0, 5)
                         where shifted[i].equal(padded[.., dy..(dy + 6), dx..(dx + 6)]).all().item<bool>()
                         select (dy, dx)).ToArray();
            Assert.Single(match);
            moves.Add(match[0]);
        }
        Assert.True(moves.Count > 5, "the shifts barely vary");
    }

    [Fact]
    public void Equal_seeds_and_epochs_give_equal_augmentations_that_keep_the_shape()
    {
        using var scope = NewDisposeScope();
        var images = Crafted(16, size: 8);
        var augmentation = new BatchAugmentation(2, true, 0.5);
        Tensor Draw(int seed, int epoch)
        {
            using var generator = BatchAugmentation.EpochGenerator(seed, epoch, CPU);
            return augmentation.Apply(images, generator);
        }

        Assert.True(Draw(3, 1).equal(Draw(3, 1)).all().item<bool>());
        Assert.False(Draw(3, 1).equal(Draw(3, 2)).all().item<bool>());
        Assert.False(Draw(3, 1).equal(Draw(4, 1)).all().item<bool>());
        Assert.Equal(images.shape, Draw(3, 1).shape);
    }

    [Fact]
    public void Training_batches_are_augmented_reproducibly_and_validation_batches_are_not()
    {
        using var train = Images(48, seed: 1);
        using var validation = Images(24, seed: 2);
        var plain = new TrainingOptions { Epochs = 2, BatchSize = 16, Shuffle = false, Seed = 9 };
        var augmented = plain with { AugmentShift = 1, AugmentFlip = true, AugmentErase = 0.5 };
        (RecordingImageNet Model, Dictionary<string, float[]> Weights) Train(TrainingOptions options)
        {
            manual_seed(1);
            var model = new RecordingImageNet();
            new Trainer(options).Fit(model, train, validation);
            return (model, Weights.Of(model));
        }

        var (reference, referenceWeights) = Train(plain);
        var (first, firstWeights) = Train(augmented);
        var (second, secondWeights) = Train(augmented);

        Assert.Equal(reference.Evaluation.Select(e => e.Sum).Take(2), first.Evaluation.Select(e => e.Sum).Take(2));
        Assert.NotEqual(reference.Training.Select(e => e.Sum), first.Training.Select(e => e.Sum));
        Assert.All(first.Training, e => Assert.Equal([16L, 1, 6, 6], e.Shape));
        Assert.Equal(first.Training.Select(e => e.Sum), second.Training.Select(e => e.Sum));
        Assert.True(Weights.Equal(firstWeights, secondWeights));
        Assert.False(Weights.Equal(referenceWeights, firstWeights));
        reference.Dispose();
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void Augmentation_is_off_by_default_and_refused_for_a_model_without_image_inputs()
    {
        Assert.Null(BatchAugmentation.For(new TrainingOptions()));
        using var data = Synthetic.Blobs(30, seed: 1);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);

        var error = Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { AugmentFlip = true }).Fit(model, data));

        Assert.Contains("act on image inputs (N×C×H×W)", error.Message);
    }

    [Fact]
    public void A_sweep_searches_the_augmentation_options()
    {
        var options = AugmentationSweep.Definition.Configure(new TrainingOptions(), AugmentationSweep.Hyperparameters.Default);

        Assert.Equal((2, true, 0.25), (options.AugmentShift, options.AugmentFlip, options.AugmentErase));
    }

    /// <summary>Reports what augmentation costs next to a training step of the 2-conv Fashion-MNIST CNN at batch 128; no timing is asserted.</summary>
    [Fact]
    public void Augmentation_cost_relative_to_a_training_step_is_reported()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10));
        using var optimizer = optim.Adam(model.parameters());
        var images = rand(128, 1, 28, 28);
        var labels = randint(0, 10, [128]);
        var augmentation = new BatchAugmentation(2, true, 0.5);
        using var generator = BatchAugmentation.EpochGenerator(1, 1, CPU);

        double Time(Action action, int repeats)
        {
            action();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < repeats; i++)
            {
                using var inner = NewDisposeScope();
                action();
            }
            return clock.Elapsed.TotalMilliseconds / repeats;
        }

        var step = Time(() =>
        {
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.call(images), labels).backward();
            optimizer.step();
        }, 5);
        var augment = Time(() => augmentation.Apply(images, generator), 20);

        output.WriteLine($"training step {step:F2} ms, augmentation (shift 2, flip, erase 0.5) {augment:F2} ms: {100 * augment / step:F1}% of a step");
        Assert.True(step > 0 && augment > 0);
    }
}
