using System.Text.RegularExpressions;
using Dsl.Generator.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Generator.Tests;

/// <summary>
/// A generated module computes exactly what the same architecture written by hand in TorchSharp computes: the weights
/// are copied through state_dict, and both run the same input in eval mode.
/// </summary>
public class NumericalEquivalenceTests
{
    // The hand-written modules touch libtorch before any Dsl type loads, so the native fix must not wait for one.
    public NumericalEquivalenceTests() => Dsl.Native.TorchNativeLibraries.EnsureLoadable();

    [Fact]
    public void FashionCnnMatchesHandWrittenModule() =>
        AssertEquivalent(Sources.FashionCnn, "Samples.FashionCnn", new FashionCnnByHand(), () => randn(4, 1, 28, 28));

    [Fact]
    public void ConvolutionAndNormalization1dMatchHandWrittenModule() =>
        AssertEquivalent(LayerSources.Signal1d, "Samples.SignalNet", new SignalNetByHand(), () => randn(4, 3, 64));

    [Fact]
    public void BatchNorm2dAndPoolingMatchHandWrittenModule() =>
        AssertEquivalent(LayerSources.Pooled2d, "Samples.PooledNet", new PooledNetByHand(), () => randn(4, 3, 32, 32));

    [Fact]
    public void EmbeddingGruAndLstmMatchHandWrittenModule() =>
        AssertEquivalent(LayerSources.TextRecurrent, "Samples.TextRnn", new TextRnnByHand(), () => randint(0, 500, [4, 20]),
            key => key.Replace(".rnn.", "."));

    [Fact]
    public void BidirectionalLastStateMatchesBothDirectionsFinalSteps() =>
        AssertEquivalent(BidirectionalLstm, "Samples.BiLstm", new BiLstmByHand(), () => randn(4, 10, 6), key => key.Replace(".rnn.", "."));

    [Fact]
    public void AttentionAndTransformerMatchHandWrittenModule() =>
        AssertEquivalent(LayerSources.TinyTransformer, "Samples.TinyTransformer", new TinyTransformerByHand(), () => randint(0, 100, [4, 12]),
            key => Regex.Replace(key.Replace("attend.body.attention1.", ""), @"\.(encoder1\.)?layer\.", ".").Replace(".encoder1.", ".").Replace("encoder1.layer.", "encoder1."));

    [Fact]
    public void Pooling1dMatchesHandWrittenModule() =>
        AssertEquivalent(LayerSources.Pooled1d, "Samples.Pooled1dNet", new Pooled1dNetByHand(), () => randn(4, 2, 40));

    [Fact]
    public void SequencePoolingMatchesHandWrittenModule() =>
        AssertEquivalent(LayerSources.SequencePooled, "Samples.PooledText", new PooledTextByHand(), () => randint(0, 200, [4, 16]),
            key => key.Replace(".rnn.", "."));

    /// <summary>Each pooling layer alone against TorchSharp's functional op, at the declared length and at another one.</summary>
    [Theory]
    [InlineData("MaxPool1d(3, Stride = 2, Padding = 1)")]
    [InlineData("AvgPool1d(4, Stride = 3, Padding = 2)")]
    [InlineData("AdaptiveAvgPool1d(5)")]
    [InlineData("PoolSequence(SequencePooling.Mean)")]
    [InlineData("PoolSequence(SequencePooling.Max)")]
    public void PoolingMatchesTheFunctionalOp(string layer)
    {
        // 1-D pools read [channels, length]; sequence pooling reads [steps, features]. Either way the length is dimension 2 here.
        var overSteps = layer.StartsWith("PoolSequence", StringComparison.Ordinal);
        Func<Tensor, Tensor> reference = layer switch
        {
            "MaxPool1d(3, Stride = 2, Padding = 1)" => x => nn.functional.max_pool1d(x, 3, 2, 1),
            "AvgPool1d(4, Stride = 3, Padding = 2)" => x => nn.functional.avg_pool1d(x, 4, 3, 2),
            "AdaptiveAvgPool1d(5)" => x => nn.functional.adaptive_avg_pool1d(x, 5),
            "PoolSequence(SequencePooling.Mean)" => x => nn.functional.adaptive_avg_pool1d(x.transpose(1, 2), 1).squeeze(-1),
            _ => x => nn.functional.adaptive_max_pool1d(x.transpose(1, 2), 1).squeeze(-1),
        };
        var source = Sources.Usings + "namespace T;\n[Model(Input = new[] { " + (overSteps ? "17, 6" : "6, 17") + " })]\npublic partial class P\n{\n" +
                     "    [" + layer + "] public partial Tensor Forward(Tensor x);\n}\n";
        using var assembly = GeneratedAssembly.Compile(source);
        using var model = assembly.Create("T.P");
        using var scope = NewDisposeScope();
        foreach (var length in new[] { 17, 23 })
        {
            var x = overSteps ? randn(4, length, 6) : randn(4, 6, length);
            var expected = reference(x);
            var actual = model.call(x);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.allclose(actual, rtol: 1e-6, atol: 1e-7), $"{layer} at length {length}: max |difference| = {(expected - actual).abs().max().item<float>()}");
        }
    }

    private const string BidirectionalLstm = Sources.Usings + """
        namespace Samples;

        [Model(Input = new[] { 10, 6 }, Outputs = 3)]
        public partial class BiLstm
        {
            [LSTM(8, NumLayers = 2, Bidirectional = true), Linear(3)]
            public partial Tensor Forward(Tensor x);
        }
        """;

    /// <summary>Copies the generated module's state (after a few training steps move the running statistics) into the hand-written one and compares.</summary>
    private static void AssertEquivalent(string source, string typeName, nn.Module<Tensor, Tensor> byHand, Func<Tensor> input, Func<string, string>? mapKey = null)
    {
        mapKey ??= key => key;
        using var assembly = GeneratedAssembly.Compile(source);
        using var scope = NewDisposeScope();
        manual_seed(20240611);
        using var generated = assembly.Create(typeName);
        using (no_grad())
        {
            generated.train();
            for (var i = 0; i < 3; i++) generated.call(input());
        }

        var state = generated.state_dict().ToDictionary(p => mapKey(p.Key), p => p.Value);
        Assert.Equal(byHand.state_dict().Keys.Order(), state.Keys.Order());
        byHand.load_state_dict(state);
        generated.eval();
        byHand.eval();

        using (no_grad())
        {
            var x = input();
            var expected = byHand.call(x);
            var actual = generated.call(x);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.eq(actual).all().item<bool>(), $"max |difference| = {(expected - actual).abs().max().item<float>()}");
        }
        byHand.Dispose();
    }

    // ---- The same architectures, written by hand the way TorchSharp's examples write them ----------------------

    private sealed class FashionCnnByHand : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = nn.Conv2d(1, 32, 3, padding: 1);
        private readonly Conv2d conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        private readonly Linear fc1 = nn.Linear(64 * 7 * 7, 128);
        private readonly Dropout dropout1 = nn.Dropout(0.25);
        private readonly Linear fc2 = nn.Linear(128, 10);

        public FashionCnnByHand() : base(nameof(FashionCnnByHand)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = nn.functional.max_pool2d(nn.functional.relu(conv1.call(x)), 2);
            h = nn.functional.max_pool2d(nn.functional.relu(conv2.call(h)), 2);
            h = dropout1.call(nn.functional.relu(fc1.call(h.flatten(1))));
            return fc2.call(h).MoveToOuterDisposeScope();
        }
    }

    private sealed class SignalNetByHand : nn.Module<Tensor, Tensor>
    {
        private readonly Conv1d conv1 = nn.Conv1d(3, 24, 3, dilation: 2);
        private readonly BatchNorm1d bn1 = nn.BatchNorm1d(24);
        private readonly Conv1d conv2 = nn.Conv1d(24, 16, 5, stride: 2, padding: 2, bias: false);
        private readonly BatchNorm1d bn2 = nn.BatchNorm1d(16, eps: 1e-3, momentum: 0.01);
        private readonly Linear fc1 = nn.Linear(16 * 30, 32);
        private readonly BatchNorm1d bn3 = nn.BatchNorm1d(32, affine: false);
        private readonly LayerNorm norm1 = nn.LayerNorm(32, eps: 1e-6);
        private readonly Linear fc2 = nn.Linear(32, 5);

        public SignalNetByHand() : base(nameof(SignalNetByHand)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = nn.functional.relu(bn1.call(conv1.call(x)));
            h = nn.functional.gelu(bn2.call(conv2.call(h)));
            h = norm1.call(bn3.call(fc1.call(h.flatten(1))));
            return fc2.call(h).MoveToOuterDisposeScope();
        }
    }

    private sealed class PooledNetByHand : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1 = nn.Conv2d(3, 16, 3, padding: 1);
        private readonly BatchNorm2d bn1 = nn.BatchNorm2d(16);
        private readonly Conv2d conv2 = nn.Conv2d(16, 24, 3, padding: 1);
        private readonly BatchNorm2d bn2 = nn.BatchNorm2d(24, affine: false);
        private readonly Linear fc1 = nn.Linear(24 * 2 * 2, 10);

        public PooledNetByHand() : base(nameof(PooledNetByHand)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = nn.functional.avg_pool2d(nn.functional.relu(bn1.call(conv1.call(x))), 2);
            h = nn.functional.avg_pool2d(nn.functional.silu(bn2.call(conv2.call(h))), 3, stride: 2, padding: 1);
            h = nn.functional.adaptive_avg_pool2d(nn.functional.adaptive_avg_pool2d(h, [6, 4]), [2, 2]);
            return nn.functional.softmax(fc1.call(h.flatten(1)), -1).MoveToOuterDisposeScope();
        }
    }

    private sealed class Pooled1dNetByHand : nn.Module<Tensor, Tensor>
    {
        private readonly Conv1d conv1 = nn.Conv1d(2, 8, 3, padding: 1);
        private readonly Conv1d conv2 = nn.Conv1d(8, 12, 3);
        private readonly Linear fc1 = nn.Linear(12 * 3, 4);

        public Pooled1dNetByHand() : base(nameof(Pooled1dNetByHand)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = nn.functional.max_pool1d(nn.functional.relu(conv1.call(x)), 2);
            // The searched window, stride and padding at their defaults: 3, 2 and 1.
            h = nn.functional.avg_pool1d(conv2.call(h), 3, 2, 1);
            h = nn.functional.adaptive_avg_pool1d(nn.functional.max_pool1d(h, 3, 1, 1), 3);
            return fc1.call(h.flatten(1)).MoveToOuterDisposeScope();
        }
    }

    private sealed class PooledTextByHand : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embedding1 = nn.Embedding(200, 12);
        private readonly GRU gru1 = nn.GRU(12, 8, batchFirst: true, bidirectional: true);
        private readonly Linear fc1 = nn.Linear(16, 3);

        public PooledTextByHand() : base(nameof(PooledTextByHand)) => RegisterComponents();

        public override Tensor forward(Tensor tokens)
        {
            using var scope = NewDisposeScope();
            var (steps, _) = gru1.call(embedding1.call(tokens));
            // Max over time, the searched pooling's default: the largest value of each feature across the steps.
            var pooled = nn.functional.adaptive_max_pool1d(steps.transpose(1, 2), 1).squeeze(-1);
            return fc1.call(pooled).MoveToOuterDisposeScope();
        }
    }

    private sealed class TextRnnByHand : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embedding1 = nn.Embedding(500, 16, padding_idx: 0);
        private readonly GRU gru1 = nn.GRU(16, 12, numLayers: 2, batchFirst: true, bidirectional: true);
        private readonly LSTM lstm1 = nn.LSTM(24, 20, numLayers: 2, batchFirst: true, dropout: 0.2);
        private readonly Linear fc1 = nn.Linear(20, 3);

        public TextRnnByHand() : base(nameof(TextRnnByHand)) => RegisterComponents();

        public override Tensor forward(Tensor tokens)
        {
            using var scope = NewDisposeScope();
            var (sequence, _) = gru1.call(embedding1.call(tokens));
            var (steps, _, _) = lstm1.call(sequence);
            return fc1.call(steps.select(1, -1)).MoveToOuterDisposeScope();
        }
    }

    private sealed class BiLstmByHand : nn.Module<Tensor, Tensor>
    {
        private readonly LSTM lstm1 = nn.LSTM(6, 8, numLayers: 2, batchFirst: true, bidirectional: true);
        private readonly Linear fc1 = nn.Linear(16, 3);

        public BiLstmByHand() : base(nameof(BiLstmByHand)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var (steps, _, _) = lstm1.call(x);
            // The forward direction ends at the last step, the backward direction at the first.
            var last = cat([steps.select(1, -1).narrow(1, 0, 8), steps.select(1, 0).narrow(1, 8, 8)], 1);
            return fc1.call(last).MoveToOuterDisposeScope();
        }
    }

    private sealed class TinyTransformerByHand : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embedding1 = nn.Embedding(100, 32);
        private readonly MultiheadAttention self_attn = nn.MultiheadAttention(32, 8, dropout: 0.1);
        private readonly Dropout dropout1 = nn.Dropout(0.1);
        private readonly LayerNorm norm1 = nn.LayerNorm(32);
        private readonly ModuleList<TransformerEncoderLayer> encode = new(
            nn.TransformerEncoderLayer(32, 4, 64, 0.1, nn.Activations.GELU), nn.TransformerEncoderLayer(32, 4, 64, 0.1, nn.Activations.GELU));
        private readonly TransformerEncoderLayer encoder1 = nn.TransformerEncoderLayer(32, 4, 48, 0.1);
        private readonly Linear fc1 = nn.Linear(12 * 32, 2);

        public TinyTransformerByHand() : base(nameof(TinyTransformerByHand)) => RegisterComponents();

        public override Tensor forward(Tensor tokens)
        {
            using var scope = NewDisposeScope();
            // TorchSharp's attention and encoder layers are sequence-first: [length, batch, embedding].
            var h = embedding1.call(tokens).transpose(0, 1);
            h = norm1.call(h + dropout1.call(self_attn.call(h, h, h, null, false, null).Item1));
            foreach (var layer in encode) h = layer.call(h);
            h = encoder1.call(h).transpose(0, 1);
            return fc1.call(h.flatten(1)).MoveToOuterDisposeScope();
        }
    }
}
