using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;

namespace Dsl.Generator;

/// <summary>Emits a model's or sweep's nested <c>Hyperparameters</c> record: typed values, defaults, validation and the search space.</summary>
internal static class HyperparameterEmitter
{
    /// <summary>Implements the user's partial hyperparameter properties by reading the instance's record.</summary>
    public static void EmitPropertyImplementations(SourceWriter w, EquatableArray<HyperparameterSpec> hyperparameters)
    {
        foreach (var h in hyperparameters)
            w.Line(h.Modifiers + " " + h.TypeName + " " + h.Name + " { get => HyperparameterValues." + h.Name + "; }");
        if (hyperparameters.Count > 0) w.Line();
    }

    public static void EmitRecord(SourceWriter w, string className, EquatableArray<HyperparameterSpec> hyperparameters, string generatedCode)
    {
        w.Summary("The hyperparameters of " + className + ": typed values with defaults; out-of-range values throw.");
        w.Line(generatedCode);
        w.OpenBlock("public sealed partial record Hyperparameters : " + TypeNames.Search + ".IHyperparameters<Hyperparameters>");

        foreach (var h in hyperparameters)
            w.Line("private readonly " + h.TypeName + " _" + h.Name + " = " + h.DefaultLiteral + ";");
        if (hyperparameters.Count > 0) w.Line();

        foreach (var h in hyperparameters)
        {
            w.Summary(h.Name + ": " + Describe(h) + ".");
            w.OpenBlock("public " + h.TypeName + " " + h.Name);
            w.Line("get => _" + h.Name + ";");
            if (Validation(h) is { } condition)
            {
                w.OpenBlock("init");
                w.Line("if (" + condition + ")");
                w.Line("    throw new global::System.ArgumentOutOfRangeException(nameof(" + h.Name + "), value, \"" + h.Name + " must be " + Describe(h) + ".\");");
                w.Line("_" + h.Name + " = value;");
                w.CloseBlock();
            }
            else
            {
                w.Line("init => _" + h.Name + " = value;");
            }
            w.CloseBlock();
            w.Line();
        }

        w.Summary("Every hyperparameter at its default.");
        w.Line("public static Hyperparameters Default { get; } = new();");
        w.Line();

        w.Summary("The ranges the samplers read, in declaration order.");
        w.OpenBlock("public static " + TypeNames.Search + ".SearchSpace SearchSpace { get; } = new(new " + TypeNames.Search + ".ParameterSpec[]");
        foreach (var h in hyperparameters)
            w.Line(SpecExpression(h) + ",");
        w.CloseBlock(");");
        w.Line();

        w.Summary("Builds a record from a sampler's assignment; absent parameters keep their defaults.");
        w.OpenBlock("public static Hyperparameters FromValues(global::System.Collections.Generic.IReadOnlyDictionary<string, object> values)");
        w.Line("global::System.ArgumentNullException.ThrowIfNull(values);");
        if (hyperparameters.Count == 0)
        {
            w.Line("return Default;");
        }
        else
        {
            w.OpenBlock("return new Hyperparameters");
            for (var i = 0; i < hyperparameters.Count; i++)
            {
                var h = hyperparameters[i];
                w.Line(h.Name + " = values.TryGetValue(\"" + h.Name + "\", out var v" + i + ") ? " + Conversion(h, "v" + i) + " : " + h.DefaultLiteral + ",");
            }
            w.CloseBlock(";");
        }
        w.CloseBlock();
        w.Line();

        w.Summary("The active hyperparameters as a sampler's assignment: integers as long, reals as double, choices as themselves.");
        w.OpenBlock("public global::System.Collections.Generic.IReadOnlyDictionary<string, object> ToValues()");
        w.Line("var values = new global::System.Collections.Generic.Dictionary<string, object>(" + hyperparameters.Count + ");");
        foreach (var h in hyperparameters)
        {
            var assignment = "values[\"" + h.Name + "\"] = " + Boxed(h) + ";";
            if (ActiveCondition(h, hyperparameters, "") is { } active)
                w.Line("if (" + active + ") " + assignment);
            else
                w.Line(assignment);
        }
        w.Line("return values;");
        w.CloseBlock();
        w.CloseBlock();
    }

    /// <summary>
    /// The C# test that <paramref name="h"/> is active, following its [When] chain up to an unconditional parameter (a
    /// parameter whose controller is inactive is inactive too); null when it is always active. <paramref name="receiver"/>
    /// prefixes each controlling property, for example "hyperparameters.".
    /// </summary>
    public static string? ActiveCondition(HyperparameterSpec h, EquatableArray<HyperparameterSpec> hyperparameters, string receiver)
    {
        var tests = new List<string>();
        var seen = new HashSet<string>();
        // The seen set stops at a cycle, which the parser reports; the generator must not loop on it.
        for (var current = h; current?.Condition is { } condition && seen.Add(current.Name);
             current = hyperparameters.FirstOrDefault(p => p.Name == condition.Parameter))
            tests.Add(receiver + condition.Parameter + " is " + string.Join(" or ", condition.ValueLiterals));
        if (tests.Count == 0) return null;
        tests.Reverse();
        return string.Join(" && ", tests);
    }

    private static string Describe(HyperparameterSpec h)
    {
        if (h.IsNumeric)
        {
            var range = "in [" + Plain(h.MinLiteral!) + ", " + Plain(h.MaxLiteral!) + "]";
            if (h.Log) range += " (log scale)";
            if (h.StepLiteral is not null) range += " in steps of " + Plain(h.StepLiteral);
            return range;
        }
        return "one of " + string.Join(", ", h.Choices.Select(Plain));
    }

    /// <summary>Literal text as a reader expects it in a message: no suffixes, quotes or namespaces.</summary>
    private static string Plain(string literal)
    {
        var text = literal.TrimEnd('L', 'f').Replace("\"", "'");
        if (text.StartsWith("global::", System.StringComparison.Ordinal)) text = text.Substring(text.LastIndexOf('.') + 1);
        return text;
    }

    private static string? Validation(HyperparameterSpec h)
    {
        if (h.IsNumeric)
        {
            var inRange = "value >= " + h.MinLiteral + " && value <= " + h.MaxLiteral;
            if (h.IsInteger && h.StepLiteral is not null)
                inRange += " && (value - " + h.MinLiteral + ") % " + h.StepLiteral + " == 0";
            return "!(" + inRange + ")";
        }
        if (h.Kind == HyperparameterKind.Bool) return null;
        return "value is not (" + string.Join(" or ", h.Choices) + ")";
    }

    private static string SpecExpression(HyperparameterSpec h)
    {
        var name = "\"" + h.Name + "\"";
        var spec = h.Kind switch
        {
            HyperparameterKind.Int or HyperparameterKind.Long =>
                "new " + TypeNames.Search + ".IntParameter(" + name + ", " + h.MinLiteral!.TrimEnd('L') + "L, " + h.MaxLiteral!.TrimEnd('L') + "L, " +
                h.DefaultLiteral.TrimEnd('L') + "L, Log: " + Bool(h.Log) + ", Step: " + (h.StepLiteral?.TrimEnd('L') ?? "1") + "L)",
            HyperparameterKind.Double or HyperparameterKind.Float =>
                "new " + TypeNames.Search + ".FloatParameter(" + name + ", " + Real(h.MinLiteral!) + ", " + Real(h.MaxLiteral!) + ", " +
                Real(h.DefaultLiteral) + ", Log: " + Bool(h.Log) + ", Step: " + (h.StepLiteral is null ? "0.0" : Real(h.StepLiteral)) + ")",
            _ => "new " + TypeNames.Search + ".CategoricalParameter(" + name + ", new object[] { " + string.Join(", ", h.Choices) + " }, " +
                 h.Choices.ToList().IndexOf(h.DefaultLiteral) + ")",
        };
        if (h.Condition is { } condition)
            spec += " { Condition = new " + TypeNames.Search + ".ParameterCondition(\"" + condition.Parameter + "\", new object[] { " +
                    string.Join(", ", condition.ValueLiterals) + " }) }";
        return spec;
    }

    private static string Real(string literal) => literal.EndsWith("f", System.StringComparison.Ordinal) ? "(double)" + literal : literal;

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Conversion(HyperparameterSpec h, string variable)
    {
        var helper = "global::Dsl.Search.ParameterValues";
        var name = "\"" + h.Name + "\"";
        return h.Kind switch
        {
            HyperparameterKind.Int => helper + ".ToInt32(" + variable + ", " + name + ")",
            HyperparameterKind.Long => helper + ".ToInt64(" + variable + ", " + name + ")",
            HyperparameterKind.Double => helper + ".ToDouble(" + variable + ", " + name + ")",
            HyperparameterKind.Float => "(float)" + helper + ".ToDouble(" + variable + ", " + name + ")",
            HyperparameterKind.Bool => helper + ".ToBoolean(" + variable + ", " + name + ")",
            HyperparameterKind.Enum => helper + ".ToEnum<" + h.TypeName + ">(" + variable + ", " + name + ")",
            _ => helper + ".ToChoiceString(" + variable + ", " + name + ")",
        };
    }

    private static string Boxed(HyperparameterSpec h) => h.Kind switch
    {
        HyperparameterKind.Int or HyperparameterKind.Long => "(long)" + h.Name,
        HyperparameterKind.Double or HyperparameterKind.Float => "(double)" + h.Name,
        _ => h.Name,
    };
}
