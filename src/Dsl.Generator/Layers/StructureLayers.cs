using Dsl.Generator.Diagnostics;
using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Layers;

/// <summary>
/// Layers that combine blocks rather than transform a tensor. Their arguments are read like any layer's; their shapes
/// and code depend on other blocks, so the shape checker and emitter handle them (see <see cref="IsStructural"/>).
/// </summary>
internal abstract class StructureLayer : LayerDefinition
{
    public const string FusionKindType = "Dsl.FusionKind";

    public override List<Dim>? Infer(LayerSpec layer, IReadOnlyList<Dim> input, ShapeReporter report) =>
        throw new InvalidOperationException(Name + " shapes are inferred by the shape checker.");

    public override string Factory(LayerSpec layer, LayerShape shape) =>
        throw new InvalidOperationException(Name + " code is emitted by the model emitter.");

    protected static bool Block(LayerReader r, string name, TypedConstant constant)
    {
        if (constant.Value is string block && block.Length > 0)
        {
            r.Arguments.Add(new LayerArgument(name, block, null, block));
            return true;
        }
        r.Report(DiagnosticDescriptors.BlockArgumentNotNameof, name);
        return false;
    }

    public static bool IsStructural(string kind) => kind is FuseLayer.KindName or ResidualLayer.KindName or RepeatLayer.KindName;

    public static string SnakeCase(string name) => new BlockSpec(name, "", default, default, null).FieldPrefix;
}

/// <summary>[Fuse(kind, branches...)]: runs the branches and merges them with a <c>Dsl.Layers.Fusion</c>.</summary>
internal sealed class FuseLayer : StructureLayer
{
    public const string KindName = "Fuse";
    public override string Name => KindName;
    public override string FieldPrefix => "fusion";
    public override IReadOnlyCollection<int> Arities => [2];
    public override string FieldType(LayerSpec layer) => "global::Dsl.Layers.Fusion";

    public override bool Read(LayerReader r)
    {
        var ok = r.EnumValue("kind", r.Positional(0), FusionKindType);
        var branches = r.Positional(1);
        if (branches.Kind != TypedConstantKind.Array || branches.IsNull || branches.Values.Length < 2)
        {
            r.Report(DiagnosticDescriptors.FuseNeedsTwoBranches);
            return false;
        }
        foreach (var branch in branches.Values) ok &= Block(r, "branch", branch);
        var names = r.Arguments.Where(a => a.Name == "branch").Select(a => a.Code).ToList();
        if (ok && names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            // A branch listed twice is a block used twice; the shape checker would report that too, less precisely.
            r.ReportUnprefixed(DiagnosticDescriptors.BlockUsedTwice, twice.Key);
            return false;
        }
        return ok & r.OptionalSize("width", "Width");
    }
}

/// <summary>[Residual(block)]: block(x) + x, projecting x when the block changes its shape.</summary>
internal sealed class ResidualLayer : StructureLayer
{
    public const string KindName = "Residual";
    public override string Name => KindName;
    public override string FieldPrefix => "residual";
    public override string FieldType(LayerSpec layer) => "global::Dsl.Layers.Residual";
    public override string? PreferredFieldName(LayerSpec layer) => SnakeCase(layer.Code("block"));
    public override bool Read(LayerReader r) => Block(r, "block", r.Positional(0));
}

/// <summary>[Repeat(block, count)]: count independently initialised copies of a shape-preserving block.</summary>
internal sealed class RepeatLayer : StructureLayer
{
    public const string KindName = "Repeat";
    public override string Name => KindName;
    public override string FieldPrefix => "repeat";
    public override IReadOnlyCollection<int> Arities => [2];
    public override string FieldType(LayerSpec layer) => "global::TorchSharp.Modules.Sequential";
    public override string? PreferredFieldName(LayerSpec layer) => SnakeCase(layer.Code("block"));
    public override bool Read(LayerReader r) => Block(r, "block", r.Positional(0)) & r.Size("count", 1);
}
