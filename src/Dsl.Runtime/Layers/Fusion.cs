using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>Merges the vector outputs of several branches ([batch, width_i] each) with a <see cref="FusionKind"/>.</summary>
public sealed class Fusion : nn.Module<Tensor[], Tensor>
{
    private readonly FusionKind kind;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> projections;
    private readonly Parameter? branch_logits;
    private readonly Linear? attention_key;
    private readonly Parameter? attention_query;
    private readonly Linear? gate;

    /// <summary>A fusion of branches of the given widths; ops other than concat project each branch to <paramref name="width"/>.</summary>
    public Fusion(FusionKind kind, long[] branchWidths, long width) : base(nameof(Fusion))
    {
        ArgumentNullException.ThrowIfNull(branchWidths);
        if (branchWidths.Length < 2) throw new ArgumentException("A fusion needs at least two branches.", nameof(branchWidths));
        this.kind = kind;
        BranchWidths = branchWidths;
        OutputWidth = kind == FusionKind.Concat ? branchWidths.Sum() : width;
        projections = new ModuleList<nn.Module<Tensor, Tensor>>();
        if (kind != FusionKind.Concat)
        {
            // A projection only where a branch's width differs: equal widths keep the branch untouched.
            foreach (var branchWidth in branchWidths)
                projections.Add(branchWidth == width ? nn.Identity() : nn.Linear(branchWidth, width));
        }
        switch (kind)
        {
            case FusionKind.WeightedSum:
                branch_logits = nn.Parameter(zeros(branchWidths.Length));
                break;
            case FusionKind.Attention:
                attention_key = nn.Linear(width, width);
                attention_query = nn.Parameter(randn(width) / Math.Sqrt(width));
                break;
            case FusionKind.Gated:
                gate = nn.Linear(width * branchWidths.Length, branchWidths.Length);
                break;
        }
        RegisterComponents();
    }

    /// <summary>The width each branch delivers.</summary>
    public IReadOnlyList<long> BranchWidths { get; }

    /// <summary>The width of the fused output.</summary>
    public long OutputWidth { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor[] branches)
    {
        if (branches.Length != BranchWidths.Count)
            throw new ArgumentException($"Fusion expects {BranchWidths.Count} branches but received {branches.Length}.", nameof(branches));
        using var scope = NewDisposeScope();
        if (kind == FusionKind.Concat)
            return cat(branches, 1).MoveToOuterDisposeScope();

        var projected = new Tensor[branches.Length];
        for (var i = 0; i < branches.Length; i++) projected[i] = projections[i].call(branches[i]);
        var stacked = stack(projected, 1); // [batch, branches, width]
        var fused = kind switch
        {
            FusionKind.Sum => stacked.sum(1),
            FusionKind.Mean => stacked.mean([1L]),
            FusionKind.WeightedSum => (stacked * nn.functional.softmax(branch_logits!, 0).view(1, -1, 1)).sum(1),
            FusionKind.Attention => Attend(stacked),
            FusionKind.Gated => (stacked * nn.functional.sigmoid(gate!.call(cat(projected, 1))).unsqueeze(-1)).sum(1),
            _ => throw new InvalidOperationException($"Unknown fusion kind {kind}."),
        };
        return fused.MoveToOuterDisposeScope();
    }

    private Tensor Attend(Tensor stacked)
    {
        // Additive attention: score_k = q · tanh(W h_k), softmax over branches, per sample.
        var scores = tanh(attention_key!.call(stacked)).matmul(attention_query!);
        var weights = nn.functional.softmax(scores, 1).unsqueeze(-1);
        return (stacked * weights).sum(1);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            projections.Dispose();
            branch_logits?.Dispose();
            attention_key?.Dispose();
            attention_query?.Dispose();
            gate?.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}
