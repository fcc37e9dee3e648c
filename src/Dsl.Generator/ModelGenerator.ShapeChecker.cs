using Dsl.Generator.Diagnostics;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Dsl.Generator.Layers;
using Dsl.Generator.Model;

namespace Dsl.Generator;

/// <summary>
/// Infers the shape after every layer of every block, starting from Forward's input shapes, and reports every
/// mismatch it can prove. Sizes that depend on hyperparameters become C# arithmetic evaluated in the constructor.
/// </summary>
internal sealed class ShapeChecker
{
    private readonly ModelSpec model;
    private readonly List<DiagnosticInfo> diagnostics = new();
    private readonly ShapeReporter reporter;
    private readonly List<BlockPlan> plans = new();
    private readonly List<string> visiting = new();
    private readonly CancellationToken cancellationToken;

    private ShapeChecker(ModelSpec model, CancellationToken cancellationToken)
    {
        this.model = model;
        this.cancellationToken = cancellationToken;
        reporter = new ShapeReporter(diagnostics);
    }

    /// <summary>Infers every shape from the declared inputs, then checks each layer at every hyperparameter value.</summary>
    public static CheckedModel Check(ModelSpec model, CancellationToken cancellationToken)
    {
        var checkedModel = Infer(model, null, cancellationToken);
        return checkedModel.HasErrors ? checkedModel : ValueChecker.Check(checkedModel, cancellationToken);
    }

    /// <summary>
    /// Infers the shapes as if Forward received <paramref name="inputs"/> (by parameter name; the declared shapes when
    /// null), without the per-value checks: the emitter's probe for free input dimensions needs only whether the
    /// structure still holds, and the value checks already ran in the pipeline.
    /// </summary>
    public static CheckedModel Infer(ModelSpec model, IReadOnlyDictionary<string, IReadOnlyList<Dim>>? inputs, CancellationToken cancellationToken)
    {
        var checker = new ShapeChecker(model, cancellationToken);
        if (model.HasParseErrors || model.Forward is not { } forward || forward.Inputs.IsEmpty || forward.Inputs.Any(i => i.Shape.IsEmpty))
            return new CheckedModel(model, EquatableArray<BlockPlan>.Empty, EquatableArray<DiagnosticInfo>.Empty);

        inputs ??= forward.Inputs.ToDictionary(i => i.Name, i => (IReadOnlyList<Dim>)i.Shape.Select(d => Dim.Of(d)).ToList());
        var output = checker.InferBlock(forward, BlockUse.Entry, inputs, forward.Location);
        checker.CheckOutputs(forward, output);
        checker.ReportUnusedBlocks();
        checker.ReportFrozenBlocksWithoutState();
        checker.ReportNameClashes();
        return new CheckedModel(model, checker.plans.ToEquatableArray(), checker.diagnostics.ToEquatableArray());
    }

    private bool HasErrors => diagnostics.Any(d => d.IsError);

    /// <summary>Reports user members whose names a generated layer field takes, at the user's member: generated names never move.</summary>
    private void ReportNameClashes()
    {
        if (HasErrors) return;
        var generated = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var plan in plans.Where(p => p.Use is BlockUse.Entry or BlockUse.Branch))
        {
            var block = model.Block(plan.Block)!;
            foreach (var layer in block.Layers)
                generated[block.FieldName(layer)] = "the field of " + layer.Kind + " in " + block.Name;
        }
        foreach (var member in model.Members)
        {
            if (generated.TryGetValue(member.Name, out var field))
                Report(DiagnosticDescriptors.GeneratedNameClash, member.Location, member.Name, field, model.ClassName);
        }
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    /// <summary>Infers one block for the given inputs (by parameter name) and records its plan; null after a reported error.</summary>
    private IReadOnlyList<Dim>? InferBlock(BlockSpec block, BlockUse use, IReadOnlyDictionary<string, IReadOnlyList<Dim>> inputs, LocationInfo? usedAt)
    {
        if (visiting.Contains(block.Name))
        {
            Report(DiagnosticDescriptors.BlockCycle, usedAt, block.Name,
                string.Join(" -> ", visiting.SkipWhile(v => v != block.Name).Concat([block.Name])));
            return null;
        }
        if (plans.Any(p => p.Block == block.Name))
        {
            Report(DiagnosticDescriptors.BlockUsedTwice, usedAt, block.Name);
            return null;
        }
        if (use is BlockUse.ResidualBody or BlockUse.RepeatBody && block.Layers.FirstOrDefault(l => StructureLayer.IsStructural(l.Kind)) is { } nested)
        {
            Report(DiagnosticDescriptors.StructureInWrappedBlock, nested.Location, block.Name,
                use == BlockUse.ResidualBody ? ResidualLayer.KindName : RepeatLayer.KindName, nested.Kind);
            return null;
        }

        visiting.Add(block.Name);
        try
        {
            var shapes = new List<LayerShape>();
            IReadOnlyList<Dim>? current = null;
            for (var i = 0; i < block.Layers.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var layer = block.Layers[i];
                if (current is null && layer.Kind != FuseLayer.KindName)
                {
                    if (inputs.Count != 1)
                    {
                        Report(DiagnosticDescriptors.SeveralInputsWithoutFuse, layer.Location, block.Name, Count(inputs.Count));
                        return null;
                    }
                    current = inputs.Values.Single();
                }
                var branchInputs = current is null ? inputs : new Dictionary<string, IReadOnlyList<Dim>> { [""] = current };
                var shape = layer.Kind switch
                {
                    FuseLayer.KindName => InferFusion(layer, branchInputs),
                    ResidualLayer.KindName => InferResidual(layer, current!),
                    RepeatLayer.KindName => InferRepeat(layer, current!),
                    _ => LayerCatalog.Get(layer.Kind).Infer(layer, current!, reporter) is { } output
                        ? new LayerShape(current!.ToEquatableArray(), output.ToEquatableArray())
                        : null,
                };
                if (shape is null) return null;
                WarnAboutFloatIds(block, i);
                shapes.Add(shape);
                current = shape.Output;
            }
            if (current is null)
            {
                if (inputs.Count != 1)
                {
                    Report(DiagnosticDescriptors.SeveralInputsWithoutFuse, block.Location, block.Name, Count(inputs.Count));
                    return null;
                }
                current = inputs.Values.Single();
            }
            plans.Add(new BlockPlan(block.Name, use, shapes.ToEquatableArray()));
            return current;
        }
        finally
        {
            visiting.RemoveAt(visiting.Count - 1);
        }
    }

    /// <summary>Embedding takes integer ids; every layer but Flatten (which keeps the type) produces floating-point values.</summary>
    private void WarnAboutFloatIds(BlockSpec block, int index)
    {
        if (block.Layers[index].Kind != EmbeddingLayer.KindName) return;
        for (var i = index - 1; i >= 0; i--)
        {
            if (block.Layers[i].Kind == FlattenLayer.KindName) continue;
            Report(DiagnosticDescriptors.EmbeddingOfFloats, block.Layers[index].Location, block.Layers[i].Kind);
            return;
        }
    }

    private BlockSpec? ResolveBlock(LayerSpec layer, string name)
    {
        var block = model.Block(name);
        if (block is null || block.IsForward)
        {
            Report(DiagnosticDescriptors.UnknownBlock, layer.Location, name, model.ClassName);
            return null;
        }
        return block;
    }

    /// <summary>Binds a branch's parameters: a single current tensor goes to a single parameter, block inputs match by name.</summary>
    private Dictionary<string, IReadOnlyList<Dim>>? BindInputs(LayerSpec layer, BlockSpec branch, IReadOnlyDictionary<string, IReadOnlyList<Dim>> available)
    {
        var bound = new Dictionary<string, IReadOnlyList<Dim>>();
        foreach (var input in branch.Inputs)
        {
            if (available.TryGetValue(input.Name, out var shape) || (available.Count == 1 && branch.Inputs.Count == 1 && (shape = available.Values.Single()) is not null))
            {
                bound[input.Name] = shape;
                continue;
            }
            Report(DiagnosticDescriptors.FusionInputNotAvailable, layer.Location, branch.Name, input.Name,
                available.ContainsKey("") ? "one tensor" : "inputs named " + string.Join(", ", available.Keys.Select(k => "'" + k + "'")));
            return null;
        }
        return bound;
    }

    private LayerShape? InferFusion(LayerSpec layer, IReadOnlyDictionary<string, IReadOnlyList<Dim>> available)
    {
        var widths = new List<Dim>();
        foreach (var name in layer.All("branch").Select(a => a.Code))
        {
            if (ResolveBlock(layer, name) is not { } branch || BindInputs(layer, branch, available) is not { } bound) return null;
            if (InferBlock(branch, BlockUse.Branch, bound, layer.Location) is not { } branchOutput) return null;
            if (branchOutput.Count != 1)
            {
                reporter.Report(DiagnosticDescriptors.FusionBranchNotVector, layer, name, ShapeMath.Describe(branchOutput));
                return null;
            }
            widths.Add(branchOutput[0]);
        }

        var concat = widths.Aggregate(ShapeMath.Add);
        var kind = layer.Find("kind")!;
        var isConcat = kind.Code == "global::" + StructureLayer.FusionKindType + ".Concat";
        Dim? common = layer.Find("width") is { } width ? Dim.From(width) : null;
        if (common is null && !isConcat)
        {
            if (widths.All(w => ShapeMath.SameSize(w, widths[0]))) common = widths[0];
            else if (widths.All(w => w.Value is not null)) common = Dim.Of(widths.Max(w => w.Value!.Value));
            else
            {
                reporter.Report(DiagnosticDescriptors.FusionWidthsMayDiffer, layer, ShapeMath.Describe(widths));
                return null;
            }
        }
        common ??= concat;

        Dim output;
        if (isConcat) output = concat;
        else if (kind.Constant is null && kind.Code.StartsWith("global::", System.StringComparison.Ordinal)) output = common;
        else if (ShapeMath.SameSize(concat, common)) output = common;
        else
        {
            // The op is a hyperparameter: concat widens, every other op keeps the common width.
            output = new Dim(null,
                "(" + kind.Code + " == global::" + StructureLayer.FusionKindType + ".Concat ? " + concat.Code + " : " + common.Code + ")",
                "(" + kind.Display + " is Concat ? " + concat.Display + " : " + common.Display + ")");
        }
        return new LayerShape(widths.ToEquatableArray(), new[] { output }.ToEquatableArray(), common);
    }

    /// <summary>Resolves and infers the single-input block that a Residual or Repeat wraps; null after a reported error.</summary>
    private (BlockSpec Body, IReadOnlyList<Dim> Output)? InferBody(LayerSpec layer, IReadOnlyList<Dim> input, BlockUse use)
    {
        if (ResolveBlock(layer, layer.Code("block")) is not { } body) return null;
        if (body.Inputs.Count != 1)
        {
            Report(DiagnosticDescriptors.WrappedBlockNeedsOneInput, layer.Location, body.Name, layer.Kind);
            return null;
        }
        var output = InferBlock(body, use, new Dictionary<string, IReadOnlyList<Dim>> { [body.Inputs[0].Name] = input }, layer.Location);
        return output is null ? null : (body, output);
    }

    private LayerShape? InferResidual(LayerSpec layer, IReadOnlyList<Dim> input)
    {
        if (InferBody(layer, input, BlockUse.ResidualBody) is not var (body, output)) return null;
        if (!Residuals.CanProject(input, output))
        {
            reporter.Report(DiagnosticDescriptors.ResidualCannotProject, layer, ShapeMath.Describe(input), ShapeMath.Describe(output), body.Name);
            return null;
        }
        return new LayerShape(input.ToEquatableArray(), output.ToEquatableArray());
    }

    private LayerShape? InferRepeat(LayerSpec layer, IReadOnlyList<Dim> input)
    {
        if (InferBody(layer, input, BlockUse.RepeatBody) is not var (body, output)) return null;
        if (output.Count != input.Count || output.Where((d, i) => !ShapeMath.SameSize(d, input[i])).Any())
        {
            reporter.Report(DiagnosticDescriptors.RepeatChangesShape, layer, body.Name, ShapeMath.Describe(input), ShapeMath.Describe(output));
            return null;
        }
        return new LayerShape(input.ToEquatableArray(), output.ToEquatableArray());
    }

    private void CheckOutputs(BlockSpec forward, IReadOnlyList<Dim>? output)
    {
        if (output is null || HasErrors || model.Outputs <= 0) return;
        var last = output.Count == 1 ? output[0] : null;
        if (last is null || (last.Value is { } width && width != model.Outputs))
        {
            var location = forward.Layers.Count > 0 ? forward.Layers[forward.Layers.Count - 1].Location : forward.Location;
            Report(DiagnosticDescriptors.OutputsMismatch, location, model.ClassName,
                model.Outputs.ToString(CultureInfo.InvariantCulture), ShapeMath.Describe(output));
        }
    }

    private void ReportFrozenBlocksWithoutState()
    {
        if (HasErrors) return;
        foreach (var block in model.Blocks.Where(b => b.Frozen is not null && plans.Any(p => p.Block == b.Name)))
            if (!FrozenModuleMap.HoldsState(model, plans, block))
                Report(DiagnosticDescriptors.FrozenBlockWithoutParameters, block.Frozen!.Location, block.Name);
    }

    private void ReportUnusedBlocks()
    {
        if (HasErrors) return;
        foreach (var block in model.Blocks.Where(b => !b.IsForward && plans.All(p => p.Block != b.Name)))
            Report(DiagnosticDescriptors.UnusedBlock, block.Location, block.Name);
    }
}

/// <summary>Which input/output shape pairs a residual shortcut can join.</summary>
internal static class Residuals
{
    public static bool CanProject(IReadOnlyList<Dim> input, IReadOnlyList<Dim> output)
    {
        if (input.Count != output.Count) return false;
        if (input.Count == 1) return true; // Linear shortcut
        if (input.Count != 3) return input.Select((d, i) => ShapeMath.SameSize(d, output[i])).All(x => x);
        return Stride(input[1], output[1]) is not null && Stride(input[2], output[2]) is not null;
    }

    /// <summary>The integer stride that maps an input spatial size to an output one (1 when provably equal).</summary>
    public static long? Stride(Dim input, Dim output)
    {
        if (ShapeMath.SameSize(input, output)) return 1;
        if (input.Value is { } i && output.Value is { } o && o > 0 && (i + o - 1) / o is var s && (i - 1) / s + 1 == o) return s;
        return null;
    }

    /// <summary>Whether the shortcut is the identity (shapes provably equal).</summary>
    public static bool IsIdentity(IReadOnlyList<Dim> input, IReadOnlyList<Dim> output) =>
        input.Count == output.Count && input.Select((d, i) => ShapeMath.SameSize(d, output[i])).All(x => x);
}
