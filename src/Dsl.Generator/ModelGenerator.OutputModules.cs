using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Layers;
using Dsl.Generator.Model;

namespace Dsl.Generator;

/// <summary>
/// Names the modules whose output rows are the model's outputs, so structured pruning leaves them whole: Forward's last
/// layer that holds weights. Normalization layers are passed over, as they scale each output but never mix them.
/// </summary>
/// <remarks>
/// Where that layer is a Fuse, the fusion (when it projects) and the output modules of every branch are named, since
/// each branch's outputs reach the model's. A Residual or Repeat is named whole: its last inner module is not known to
/// be the one that feeds the output, so every weight inside it is spared. A branch or block without weights passes its
/// input on, so the search goes on to the layers before it.
/// </remarks>
internal static class OutputModuleMap
{
    /// <summary>The state-dict names of the model's output modules; empty when Forward holds no weights.</summary>
    public static List<string> Of(ModelSpec model, IReadOnlyList<BlockPlan> plans)
    {
        var names = new List<string>();
        if (model.Forward is { } forward) Collect(model, plans, forward, names);
        return names.Distinct().ToList();
    }

    /// <summary>Adds the output modules of the inline block <paramref name="block"/>; true when its input reaches its output through no weight.</summary>
    private static bool Collect(ModelSpec model, IReadOnlyList<BlockPlan> plans, BlockSpec block, List<string> names)
    {
        var plan = plans.FirstOrDefault(p => p.Block == block.Name);
        if (plan is null) return true;
        for (var i = block.Layers.Count - 1; i >= 0; i--)
        {
            var layer = block.Layers[i];
            var field = block.FieldName(layer);
            switch (layer.Kind)
            {
                case FuseLayer.KindName:
                    var fused = FrozenModuleMap.FusionHoldsState(layer, plan.Shapes[i]);
                    if (fused) names.Add(field);
                    var passesOn = false;
                    foreach (var branch in layer.All("branch"))
                        if (model.Block(branch.Code) is { } nested) passesOn |= Collect(model, plans, nested, names);
                    if (fused || !passesOn) return false;
                    break;
                case ResidualLayer.KindName:
                case RepeatLayer.KindName:
                    var projects = layer.Kind == ResidualLayer.KindName && !Residuals.IsIdentity(plan.Shapes[i].Input, plan.Shapes[i].Output);
                    if (!projects && !HoldsWeights(model.Block(layer.Code("block")))) break;
                    names.Add(field);
                    return false;
                default:
                    var definition = LayerCatalog.Get(layer.Kind);
                    if (definition is NormalizationLayer || !definition.HoldsState(layer)) break;
                    names.Add(field);
                    return false;
            }
        }
        return true;
    }

    /// <summary>Whether a wrapped block (a Residual or Repeat body, which holds no structure layers) has a layer with weights.</summary>
    private static bool HoldsWeights(BlockSpec? block) =>
        block is not null && block.Layers.Any(l => LayerCatalog.Get(l.Kind) is var d && d is not NormalizationLayer && d.HoldsState(l));
}
