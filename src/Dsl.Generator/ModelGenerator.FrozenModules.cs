using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Layers;
using Dsl.Generator.Model;

namespace Dsl.Generator;

/// <summary>A module that a [Frozen] block holds: its state-dict name, and whether its BatchNorm layers update their statistics.</summary>
internal sealed record FrozenModuleName(string Name, bool TrainBatchNorm);

/// <summary>
/// Names the modules of every [Frozen] block, transitively: the fields of its layers, the wrapper of a Residual or Repeat
/// body, and the modules of the blocks nested in it. The names are exact and disjoint, so none reaches into another
/// block that merely shares its prefix, and a nested [Frozen] block's own setting decides for its modules.
/// </summary>
internal static class FrozenModuleMap
{
    private const string FusionKind = "global::" + StructureLayer.FusionKindType + ".";

    /// <summary>Every frozen module of the model, in the order its blocks are used from Forward.</summary>
    public static List<FrozenModuleName> Of(ModelSpec model, IReadOnlyList<BlockPlan> plans)
    {
        var names = new List<FrozenModuleName>();
        if (model.Forward is { } forward) Collect(model, plans, forward, null, null, names);
        return names;
    }

    /// <summary>Whether freezing the used block <paramref name="block"/> freezes anything: some layer in it, or in a block it uses, holds parameters or statistics.</summary>
    public static bool HoldsState(ModelSpec model, IReadOnlyList<BlockPlan> plans, BlockSpec block)
    {
        var names = new List<FrozenModuleName>();
        var wrapped = plans.FirstOrDefault(p => p.Block == block.Name)?.Use is BlockUse.ResidualBody or BlockUse.RepeatBody;
        Collect(model, plans, block, wrapped ? block.Name : null, new FrozenSpec(false, null), names);
        return names.Count > 0;
    }

    /// <param name="wrapper">The module that holds the layers of a Residual or Repeat body; null for a block whose layers are model fields.</param>
    /// <param name="inherited">The [Frozen] of the nearest enclosing frozen block, if any.</param>
    private static void Collect(ModelSpec model, IReadOnlyList<BlockPlan> plans, BlockSpec block, string? wrapper, FrozenSpec? inherited, List<FrozenModuleName> names)
    {
        var frozen = block.Frozen ?? inherited;
        var plan = plans.FirstOrDefault(p => p.Block == block.Name);
        if (plan is null) return;
        if (wrapper is not null)
        {
            // A body holds no structure layers, so its wrapper holds exactly its layers.
            if (frozen is not null && block.Layers.Any(l => LayerCatalog.Get(l.Kind).HoldsState(l))) names.Add(new FrozenModuleName(wrapper, frozen.TrainBatchNorm));
            return;
        }
        for (var i = 0; i < block.Layers.Count; i++)
        {
            var (layer, shape) = (block.Layers[i], plan.Shapes[i]);
            var field = block.FieldName(layer);
            switch (layer.Kind)
            {
                case FuseLayer.KindName:
                    if (frozen is not null && FusionHoldsState(layer, shape)) names.Add(new FrozenModuleName(field, frozen.TrainBatchNorm));
                    foreach (var branch in layer.All("branch"))
                        if (model.Block(branch.Code) is { } nested) Collect(model, plans, nested, null, frozen, names);
                    break;
                case ResidualLayer.KindName:
                    // The shortcut's projection belongs to the block that holds the Residual; the body to the wrapped block.
                    if (frozen is not null && !Residuals.IsIdentity(shape.Input, shape.Output)) names.Add(new FrozenModuleName(field + ".shortcut", frozen.TrainBatchNorm));
                    if (model.Block(layer.Code("block")) is { } body) Collect(model, plans, body, field + ".body", frozen, names);
                    break;
                case RepeatLayer.KindName:
                    if (model.Block(layer.Code("block")) is { } repeated) Collect(model, plans, repeated, field, frozen, names);
                    break;
                default:
                    if (frozen is not null && LayerCatalog.Get(layer.Kind).HoldsState(layer)) names.Add(new FrozenModuleName(field, frozen.TrainBatchNorm));
                    break;
            }
        }
    }

    /// <summary>Concat has no weights; Sum and Mean have some only where a branch is projected to the common width.</summary>
    internal static bool FusionHoldsState(LayerSpec layer, LayerShape shape)
    {
        var kind = layer.Code("kind");
        if (kind == FusionKind + "Concat") return false;
        if (kind == FusionKind + "Sum" || kind == FusionKind + "Mean")
            return shape.Width is not { } width || !shape.Input.All(w => ShapeMath.SameSize(w, width));
        return true;
    }
}
