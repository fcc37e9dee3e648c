using Dsl.Generator.Diagnostics;
using System.Collections.Generic;
using Dsl.Generator.Model;

namespace Dsl.Generator.Layers;

/// <summary>torch.nn.Embedding: token ids of any shape gain a trailing embedding dimension ([L] becomes [L, dim]).</summary>
internal sealed class EmbeddingLayer : LayerDefinition
{
    public const string KindName = "Embedding";
    public override string Name => KindName;
    public override string FieldPrefix => "embedding";
    public override IReadOnlyCollection<int> Arities => [2];
    public override IEnumerable<int> RuleDimensions(int rank) => [];
    public override IReadOnlyCollection<string>? RuleArguments(LayerSpec layer) => ["num_embeddings", "padding_idx"];

    public override bool Read(LayerReader r)
    {
        if (!(r.Size("num_embeddings", 0) & r.Size("embedding_dim", 1) & r.Int("padding_idx", "PaddingIndex", -1, -1))) return false;
        if (PaddingProblem(r.Arguments[0].Constant, r.Arguments[2].Constant) is { } problem)
        {
            r.Report(problem.Descriptor, problem.Arguments);
            return false;
        }
        return true;
    }

    public override RuleViolation? ArgumentViolation(LayerSpec layer) => PaddingProblem(layer.Find("num_embeddings")?.Constant, layer.Find("padding_idx")?.Constant);

    private static RuleViolation? PaddingProblem(long? count, long? padding) =>
        count is { } n && padding is { } index && index >= n
            ? new RuleViolation(DiagnosticDescriptors.PaddingIndexOutsideTable, [LayerReader.Text(index), LayerReader.Text(n)])
            : null;

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        [.. input, Dim.From(layer.Find("embedding_dim")!)];

    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.Embedding";

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        TypeNames.Nn + ".Embedding(" + layer.Code("num_embeddings") + ", " + layer.Code("embedding_dim") +
        (layer.Constant("padding_idx") >= 0 ? ", padding_idx: " + layer.Code("padding_idx") : "") + ")";
}
