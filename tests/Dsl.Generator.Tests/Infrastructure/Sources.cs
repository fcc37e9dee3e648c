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
}
