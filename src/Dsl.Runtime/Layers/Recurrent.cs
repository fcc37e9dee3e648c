using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>
/// An LSTM or GRU over batch-first [batch, length, features] input that returns one tensor, as every layer of a
/// generated model must: the final hidden state ([batch, hidden]) or the output at every step ([batch, length, hidden]).
/// </summary>
public sealed class Recurrent : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module rnn;

    private Recurrent(nn.Module rnn, long hiddenSize, long numLayers, bool bidirectional, Sequence returns) : base(nameof(Recurrent))
    {
        this.rnn = rnn;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bidirectional = bidirectional;
        Returns = returns;
        RegisterComponents();
    }

    /// <summary>A batch-first LSTM; its weights appear in state_dict as <c>rnn.weight_ih_l0</c> and so on.</summary>
    public static Recurrent Lstm(long inputSize, long hiddenSize, long numLayers = 1, bool bidirectional = false, double dropout = 0, bool bias = true,
        Sequence returns = Sequence.Last)
    {
        Validate(inputSize, hiddenSize, numLayers, dropout);
        return new Recurrent(nn.LSTM(inputSize, hiddenSize, numLayers, bias, batchFirst: true, dropout, bidirectional), hiddenSize, numLayers, bidirectional, returns);
    }

    /// <summary>A batch-first GRU; its weights appear in state_dict as <c>rnn.weight_ih_l0</c> and so on.</summary>
    public static Recurrent Gru(long inputSize, long hiddenSize, long numLayers = 1, bool bidirectional = false, double dropout = 0, bool bias = true,
        Sequence returns = Sequence.Last)
    {
        Validate(inputSize, hiddenSize, numLayers, dropout);
        return new Recurrent(nn.GRU(inputSize, hiddenSize, numLayers, bias, batchFirst: true, dropout, bidirectional), hiddenSize, numLayers, bidirectional, returns);
    }

    /// <summary>Hidden units per direction.</summary>
    public long HiddenSize { get; }

    /// <summary>Number of stacked layers.</summary>
    public long NumLayers { get; }

    /// <summary>Whether the sequence is also read backwards.</summary>
    public bool Bidirectional { get; }

    /// <summary>Whether forward returns the final state or every step.</summary>
    public Sequence Returns { get; }

    /// <summary>The wrapped TorchSharp LSTM or GRU.</summary>
    public nn.Module Inner => rnn;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var (output, hidden) = rnn switch
        {
            LSTM lstm => Drop(lstm.call(input)),
            GRU gru => gru.call(input),
            _ => throw new InvalidOperationException("Recurrent wraps an LSTM or a GRU."),
        };
        if (Returns == Sequence.All) return output.MoveToOuterDisposeScope();
        // h_n is [layers * directions, batch, hidden]; the last layer's final states, side by side, match output[:, -1]
        // for one direction and keep the backward pass's full-sequence state for two (output[:, -1] would not).
        var directions = Bidirectional ? 2 : 1;
        var last = hidden.narrow(0, hidden.shape[0] - directions, directions).transpose(0, 1).reshape(hidden.shape[1], directions * HiddenSize);
        return last.MoveToOuterDisposeScope();
    }

    private static (Tensor Output, Tensor Hidden) Drop((Tensor Output, Tensor Hidden, Tensor Cell) result) => (result.Output, result.Hidden);

    private static void Validate(long inputSize, long hiddenSize, long numLayers, double dropout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numLayers, 1);
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rnn.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}
