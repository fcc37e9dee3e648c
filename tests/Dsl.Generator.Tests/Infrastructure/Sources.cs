namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>Model sources shared by the snapshot, compile, caching and fuzz tests.</summary>
internal static class Sources
{
    public const string Usings = """
        using Dsl;
        using static TorchSharp.torch;

        """;

    public const string FashionCnn = Usings + """
        namespace Samples;

        [Model(Input = new[] { 1, 28, 28 }, Outputs = 10)]
        public partial class FashionCnn
        {
            [Hyperparameter(16, 64, Default = 32)] public partial int Channels { get; }
            [Hyperparameter(32, 512, Log = true, Default = 128)] public partial int Hidden { get; }
            [Hyperparameter(0.0, 0.5, Default = 0.25)] public partial double DropoutRate { get; }
            [Hyperparameter(Default = Activation.ReLU)] public partial Activation Act { get; }

            private int Wide => Channels * 2;

            [Conv2d(nameof(Channels), 3, Padding = 1), Activate(nameof(Act)), MaxPool2d(2)]
            [Conv2d(nameof(Wide), 3, Padding = 1), Activate(nameof(Act)), MaxPool2d(2)]
            [Flatten, Linear(nameof(Hidden)), Activate(nameof(Act)), Dropout(nameof(DropoutRate))]
            [Linear(10)]
            public partial Tensor Forward(Tensor image);
        }
        """;

    public const string EveryHyperparameterKind = Usings + """
        namespace Samples;

        public enum OptimizerKind { Sgd, Adam, AdamW }

        [Model(Input = new[] { 8 }, Outputs = 2)]
        public partial class Kinds
        {
            [Hyperparameter(1, 100, Default = 10)] public partial int Count { get; }
            [Hyperparameter(8, 4096, Log = true, Default = 64)] public partial long Wide { get; }
            [Hyperparameter(0, 100, Step = 10, Default = 50)] public partial int Stepped { get; }
            [Hyperparameter(1e-5, 1e-1, Log = true, Default = 1e-3)] public partial double LearningRate { get; }
            [Hyperparameter(0.0, 1.0, Step = 0.25, Default = 0.5)] public partial float Fraction { get; }
            [Hyperparameter(Default = true)] public partial bool UseBias { get; }
            [Hyperparameter(Choices = new[] { "small", "large" }, Default = "large")] public partial string Size { get; }
            [Hyperparameter(Default = OptimizerKind.Adam)] public partial OptimizerKind Optimizer { get; }
            [Hyperparameter(0.5, 0.99, Default = 0.9), When(nameof(Optimizer), OptimizerKind.Sgd)] public partial double Momentum { get; }
            [Hyperparameter(Choices = new object[] { Activation.ReLU, Activation.GELU }, Default = Activation.GELU)] public partial Activation Act { get; }

            [Linear(nameof(Count)), Activate(nameof(Act)), Linear(2)]
            public partial Tensor Forward(Tensor x);
        }
        """;

    public const string TwoInputFusion = Usings + """
        namespace Samples;

        /// <summary>An image and a tabular vector, each with its own branch, merged by a searchable fusion op.</summary>
        [Model(Outputs = 10)]
        public partial class ImageAndTable
        {
            [Hyperparameter(32, 128, Default = 64)] public partial int Width { get; }
            [Hyperparameter(Default = FusionKind.Gated)] public partial FusionKind Merge { get; }

            [Conv2d(8, 3, Padding = 1), Activate(Activation.ReLU), MaxPool2d(2), Flatten]
            private partial Tensor ImageBranch(Tensor image);

            [Linear(nameof(Width)), Activate(Activation.GELU)]
            private partial Tensor TableBranch(Tensor table);

            [Fuse(nameof(Merge), nameof(ImageBranch), nameof(TableBranch), Width = nameof(Width))]
            [Linear(10)]
            public partial Tensor Forward([Shape(1, 28, 28)] Tensor image, [Shape(12)] Tensor table);
        }
        """;

    public const string ResidualRepeatAndNestedFusion = Usings + """
        namespace Samples;

        [Model(Input = new[] { 3, 16, 16 }, Outputs = 4)]
        public partial class Structures
        {
            [Hyperparameter(1, 4, Default = 2)] public partial int Depth { get; }

            [Conv2d(16, 3, Padding = 1), Activate(Activation.ReLU), Conv2d(16, 3, Padding = 1)]
            private partial Tensor Stem(Tensor x);

            [Conv2d(16, 3, Padding = 1), Activate(Activation.SiLU)]
            private partial Tensor Body(Tensor x);

            [Conv2d(32, 3, Stride = 2, Padding = 1)]
            private partial Tensor Down(Tensor x);

            [Flatten, Linear(32)] private partial Tensor HeadA(Tensor x);
            [Flatten, Linear(48)] private partial Tensor HeadB(Tensor x);
            [Flatten, Linear(16)] private partial Tensor HeadC(Tensor x);

            [Fuse(FusionKind.Concat, nameof(HeadA), nameof(HeadB))]
            private partial Tensor Pair(Tensor x);

            [Residual(nameof(Stem)), Repeat(nameof(Body), nameof(Depth)), Residual(nameof(Down)), MaxPool2d(2)]
            [Fuse(FusionKind.Attention, nameof(Pair), nameof(HeadC), Width = 24)]
            [Linear(4)]
            public partial Tensor Forward(Tensor x);
        }
        """;

    /// <summary>
    /// [Frozen] blocks of every kind: a fusion branch (beside one whose name shares its prefix), a Residual and a Repeat
    /// body, and a frozen branch holding a fusion, a Residual and a nested [Frozen(TrainBatchNorm = true)] branch.
    /// </summary>
    public const string FrozenBlocks = Usings + """
        namespace Samples;

        [Model(Input = new[] { 3, 8, 8 }, Outputs = 4)]
        public partial class Transfer
        {
            [Frozen, Conv2d(8, 3, Padding = 1), BatchNorm2d, Activate(Activation.ReLU)]
            private partial Tensor Stem(Tensor x);

            [Frozen(TrainBatchNorm = true), Conv2d(8, 3, Padding = 1)]
            private partial Tensor Body(Tensor x);

            [Flatten, Linear(16)] private partial Tensor HeadA(Tensor x);
            [Frozen(TrainBatchNorm = true), Flatten, Linear(16), BatchNorm1d] private partial Tensor HeadB(Tensor x);
            [Linear(16), Activate(Activation.ReLU)] private partial Tensor Refine(Tensor x);

            [Frozen, Fuse(FusionKind.WeightedSum, nameof(HeadA), nameof(HeadB)), Residual(nameof(Refine))]
            private partial Tensor Pair(Tensor x);

            [Frozen, Flatten, Linear(16)] private partial Tensor Branch(Tensor x);
            [Flatten, Linear(16)] private partial Tensor Branch1(Tensor x);

            [Residual(nameof(Stem)), Repeat(nameof(Body), 2)]
            [Fuse(FusionKind.Concat, nameof(Pair), nameof(Branch), nameof(Branch1))]
            [Linear(4)]
            public partial Tensor Forward(Tensor x);
        }
        """;

    public static string FusionOp(string op) => Usings + """
        namespace Samples;

        [Model(Input = new[] { 6 }, Outputs = 2)]
        public partial class Fused
        {
            [Linear(8)] private partial Tensor A(Tensor x);
            [Linear(8)] private partial Tensor B(Tensor x);
            [Linear(4)] private partial Tensor C(Tensor x);

        """ + "    [Fuse(FusionKind." + op + ", nameof(A), nameof(B), nameof(C)), Linear(2)]\n" + """
            public partial Tensor Forward(Tensor x);
        }
        """;

    public const string FashionSweep = FashionCnn + """

        [Sweep(typeof(FashionCnn), Metric = Metric.Accuracy, Epochs = 4)]
        public partial class FashionSweep
        {
            [Hyperparameter(1e-4, 3e-2, Log = true, Default = 1e-3)] public partial double LearningRate { get; }
            [Hyperparameter(Default = Dsl.Training.OptimizerKind.Adam)] public partial Dsl.Training.OptimizerKind Optimizer { get; }
            [Hyperparameter(0.5, 0.99, Default = 0.9), When(nameof(Optimizer), Dsl.Training.OptimizerKind.Sgd)] public partial double Momentum { get; }
            [Hyperparameter(32, 256, Log = true, Default = 128)] public partial int BatchSize { get; }
            [Hyperparameter(Default = Dsl.Training.ScheduleKind.Cosine)] public partial Dsl.Training.ScheduleKind Schedule { get; }
        }
        """;

    public const string ObjectiveSweep = Usings + """
        using System.Threading;
        using System.Threading.Tasks;
        using Dsl.Sweeps;

        namespace Samples;

        public enum Shape { Bowl, Ridge }

        [Sweep(Steps = 5)]
        public partial class Quadratic
        {
            [Hyperparameter(-10.0, 10.0, Default = 0.0)] public partial double X { get; }
            [Hyperparameter(1, 8, Default = 2)] public partial int Width { get; }
            [Hyperparameter(Default = Shape.Bowl)] public partial Shape Kind { get; }

            public async Task<double> ObjectiveAsync(ObjectiveTrial trial, CancellationToken cancellationToken)
            {
                var value = (X - 2) * (X - 2) + Width;
                for (var step = 1; step <= trial.Steps; step++)
                {
                    await trial.ReportAsync(step, value + 1.0 / step, cancellationToken);
                    if (trial.ShouldPrune()) throw new TrialPrunedException();
                }
                return Kind == Shape.Bowl ? value : -value;
            }
        }
        """;
}
