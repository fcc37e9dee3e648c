using Dsl.Generator.Diagnostics;
using System.Collections.Generic;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>
/// LSTM and GRU over batch-first [L, F] samples, built through <c>Dsl.Layers.Recurrent</c> because TorchSharp's modules
/// return tuples; input_size is inferred and the output is [H] (last state) or [L, H] (every step), H doubled when bidirectional.
/// </summary>
internal abstract class RecurrentLayer : LayerDefinition
{
    public const string SequenceType = "Dsl.Sequence";

    /// <summary>The <c>Dsl.Layers.Recurrent</c> factory method.</summary>
    protected abstract string FactoryMethod { get; }

    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => [];

    public override bool Read(LayerReader r)
    {
        var ok = r.Size("hidden_size", 0) & r.OptionalSize("num_layers", "NumLayers");
        if (r.Arguments.Find(a => a.Name == "num_layers") is null) r.Arguments.Add(LayerArgument.Of("num_layers", 1));
        r.Bool("bidirectional", "Bidirectional", false);
        r.Bool("bias", "Bias", true);
        ok &= RealArguments.Dropout(r, "dropout", "Dropout", 0);
        // Sequence arrives as its underlying value; Last = 0 and All = 1 are pinned by a test against the runtime enum.
        if (!r.Int("return", "Return", 0, 0)) return false;
        if (r.Arguments[r.Arguments.Count - 1].Constant is not (0 or 1))
        {
            r.Report(DiagnosticDescriptors.OptionValueNotOffered, "Return", "Sequence.Last or Sequence.All");
            return false;
        }
        var all = r.Arguments[r.Arguments.Count - 1].Constant == 1;
        r.Arguments[r.Arguments.Count - 1] = new LayerArgument("return", "global::" + SequenceType + "." + (all ? "All" : "Last"), all ? 1 : 0, all ? "All" : "Last");
        if (ok && r.Arguments.Find(a => a.Name == "num_layers")!.Constant == 1 && RealArguments.Value(r.Arguments.Find(a => a.Name == "dropout")!) > 0)
        {
            r.Report(DiagnosticDescriptors.RecurrentDropoutNeedsLayers);
            return false;
        }
        return ok;
    }

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report)
    {
        if (!report.RequireRank(layer, input, 2, "[length, features]")) return null;
        var hidden = Dim.From(layer.Find("hidden_size")!);
        var width = layer.Code("bidirectional") == "true" ? ShapeMath.Multiply(Dim.Of(2), hidden) : hidden;
        return layer.Constant("return") == 1 ? [input[0], width] : [width];
    }

    public override string FieldType(LayerSpec layer) => "global::Dsl.Layers.Recurrent";

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        "global::Dsl.Layers.Recurrent." + FactoryMethod + "(" + shape.Input[1].Code + ", " + layer.Code("hidden_size") +
        ", numLayers: " + layer.Code("num_layers") + ", bidirectional: " + layer.Code("bidirectional") + ", dropout: " + layer.Code("dropout") +
        ", bias: " + layer.Code("bias") + ", returns: " + layer.Code("return") + ")";
}

/// <summary>torch.nn.LSTM, batch-first, returning its last state or every step.</summary>
internal sealed class LstmLayer : RecurrentLayer
{
    public override string Name => "LSTM";
    public override string FieldPrefix => "lstm";
    protected override string FactoryMethod => "Lstm";
}

/// <summary>torch.nn.GRU, batch-first, returning its last state or every step.</summary>
internal sealed class GruLayer : RecurrentLayer
{
    public override string Name => "GRU";
    public override string FieldPrefix => "gru";
    protected override string FactoryMethod => "Gru";
}
