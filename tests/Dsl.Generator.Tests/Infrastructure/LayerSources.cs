namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>One model per layer family beyond the core set, shared by the snapshot, compile, equivalence and fuzz tests.</summary>
internal static class LayerSources
{
    /// <summary>Conv1d over a signal with batch and layer normalization; the lengths depend on a hyperparameter kernel.</summary>
    public const string Signal1d = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 3, 64 }, Outputs = 5)]
        public partial class SignalNet
        {
            [Hyperparameter(8, 64, Default = 16)] public partial int Channels { get; }
            [Hyperparameter(3, 7, Step = 2, Default = 5)] public partial int Kernel { get; }

            [Conv1d(24, 3, Dilation = 2), BatchNorm1d, Activate(Activation.ReLU)]
            [Conv1d(nameof(Channels), nameof(Kernel), Stride = 2, Padding = 2, Bias = false), BatchNorm1d(Momentum = 0.01, Eps = 1e-3), Activate(Activation.GELU)]
            [Flatten, Linear(32), BatchNorm1d(Affine = false), LayerNorm(Eps = 1e-6), Linear(5)]
            public partial Tensor Forward(Tensor signal);
        }
        """;

    /// <summary>BatchNorm2d with average, strided and adaptive pooling, ending in a softmax.</summary>
    public const string Pooled2d = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 3, 32, 32 }, Outputs = 10)]
        public partial class PooledNet
        {
            [Hyperparameter(8, 32, Default = 16)] public partial int Channels { get; }
            [Hyperparameter(1, 4, Default = 2)] public partial int Grid { get; }

            [Conv2d(nameof(Channels), 3, Padding = 1), BatchNorm2d, Activate(Activation.ReLU), AvgPool2d(2)]
            [Conv2d(24, 3, Padding = 1), BatchNorm2d(Affine = false), Activate(Activation.SiLU), AvgPool2d(3, Stride = 2, Padding = 1)]
            [AdaptiveAvgPool2d(6, 4), AdaptiveAvgPool2d(nameof(Grid)), Flatten, Linear(10), Activate(Activation.Softmax)]
            public partial Tensor Forward(Tensor image);
        }
        """;

    /// <summary>Token ids through an embedding, a bidirectional GRU over every step, then an LSTM's last state.</summary>
    public const string TextRecurrent = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 20 }, Outputs = 3)]
        public partial class TextRnn
        {
            [Hyperparameter(8, 64, Default = 16)] public partial int EmbeddingDim { get; }
            [Hyperparameter(8, 64, Default = 12)] public partial int Hidden { get; }
            [Hyperparameter(1, 3, Default = 2)] public partial int Layers { get; }

            [Embedding(500, nameof(EmbeddingDim), PaddingIndex = 0)]
            [GRU(nameof(Hidden), NumLayers = nameof(Layers), Bidirectional = true, Return = Sequence.All)]
            [LSTM(20, NumLayers = 2, Dropout = 0.2), Linear(3)]
            public partial Tensor Forward(Tensor tokens);
        }
        """;

    /// <summary>A small transformer: residual self-attention, layer norm and a searchable stack of encoder layers.</summary>
    public const string TinyTransformer = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 12 }, Outputs = 2)]
        public partial class TinyTransformer
        {
            [Hyperparameter(1, 3, Default = 2)] public partial int Depth { get; }
            [Hyperparameter(0, 3, Default = 2)] public partial int HeadsLog2 { get; }
            [Hyperparameter(0.0, 0.3, Default = 0.1)] public partial double DropoutRate { get; }

            // Powers of two always divide the embedding, so every sampled head count is valid.
            private int Heads => 1 << HeadsLog2;

            [MultiheadAttention(8, Dropout = 0.1), Dropout(0.1)]
            private partial Tensor Attend(Tensor x);

            [TransformerEncoderLayer(nameof(Heads), 64, nameof(DropoutRate), Activation = Activation.GELU)]
            private partial Tensor Encode(Tensor x);

            [Embedding(100, 32), Residual(nameof(Attend)), LayerNorm]
            [Repeat(nameof(Encode), nameof(Depth)), TransformerEncoderLayer(4, 48)]
            [Flatten, Linear(2)]
            public partial Tensor Forward(Tensor tokens);
        }
        """;

    /// <summary>1-D max, average and adaptive pooling after convolutions; the average pool's window, stride and padding are searched.</summary>
    public const string Pooled1d = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 2, 40 }, Outputs = 4)]
        public partial class Pooled1dNet
        {
            [Hyperparameter(2, 4, Default = 3)] public partial int Window { get; }
            [Hyperparameter(1, 3, Default = 2)] public partial int Step { get; }
            [Hyperparameter(0, 1, Default = 1)] public partial int Pad { get; }
            [Hyperparameter(2, 6, Default = 3)] public partial int Bins { get; }

            [Conv1d(8, 3, Padding = 1), Activate(Activation.ReLU), MaxPool1d(2)]
            [Conv1d(12, 3), AvgPool1d(nameof(Window), Stride = nameof(Step), Padding = nameof(Pad))]
            [MaxPool1d(3, Stride = 1, Padding = 1), AdaptiveAvgPool1d(nameof(Bins)), Flatten, Linear(4)]
            public partial Tensor Forward(Tensor signal);
        }
        """;

    /// <summary>A bidirectional GRU's every step, pooled over time by a searchable mean or max.</summary>
    public const string SequencePooled = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 16 }, Outputs = 3)]
        public partial class PooledText
        {
            [Hyperparameter(Default = SequencePooling.Max)] public partial SequencePooling Pooling { get; }

            [Embedding(200, 12), GRU(8, Bidirectional = true, Return = Sequence.All), PoolSequence(nameof(Pooling)), Linear(3)]
            public partial Tensor Forward(Tensor tokens);
        }
        """;

    /// <summary>Every source above, by name, for theories.</summary>
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        [nameof(Signal1d)] = Signal1d,
        [nameof(Pooled2d)] = Pooled2d,
        [nameof(TextRecurrent)] = TextRecurrent,
        [nameof(TinyTransformer)] = TinyTransformer,
        [nameof(Pooled1d)] = Pooled1d,
        [nameof(SequencePooled)] = SequencePooled,
    };
}
