using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;

namespace Dsl.Generator;

/// <summary>
/// Writes the first lines of a model's Forward: one <c>Dsl.Layers.InputShapes.Require</c> per input, against its declared
/// shape. A declared dimension that no layer's construction reads (a sequence length before an LSTM's last state, the
/// height and width before an adaptive pool) may vary, so it is checked as any size.
/// </summary>
internal static class InputShapeEmitter
{
    private const string Helper = "global::Dsl.Layers.InputShapes";

    // Stands for one declared dimension while the model is checked again; no C# identifier a user writes looks like it.
    private const string Probe = "__dsl_any_size__";

    public static void EmitChecks(SourceWriter w, CheckedModel checkedModel)
    {
        var model = checkedModel.Model;
        var forward = model.Forward!;
        foreach (var input in forward.Inputs)
        {
            var dimensions = input.Shape.Select((size, i) =>
                IsFree(checkedModel, input.Name, i) ? Helper + ".Any" : size.ToString(CultureInfo.InvariantCulture) + "L");
            w.Line(Helper + ".Require(" + input.Name + ", \"" + model.ClassName + "." + forward.Name + "\", \"" + input.Name + "\", " +
                   string.Join(", ", dimensions) + ");");
        }
    }

    /// <summary>
    /// Whether the model builds the same modules whatever size dimension <paramref name="index"/> of <paramref name="inputName"/>
    /// has: checked again with that size unknown, it passes and no constructor expression mentions it.
    /// </summary>
    private static bool IsFree(CheckedModel checkedModel, string inputName, int index)
    {
        var inputs = new Dictionary<string, IReadOnlyList<Dim>>();
        foreach (var input in checkedModel.Model.Forward!.Inputs)
            inputs[input.Name] = input.Shape.Select((size, i) => input.Name == inputName && i == index ? new Dim(null, Probe, "any") : Dim.Of(size)).ToList();
        var probed = ShapeChecker.Infer(checkedModel.Model, inputs, CancellationToken.None);
        return !probed.HasErrors && probed.Plan(BlockSpec.ForwardName) is not null && !ModelEmitter.Factories(probed).Any(code => code.Contains(Probe));
    }
}
