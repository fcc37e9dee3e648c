using System.Collections.Generic;
using System.Linq;
using Dsl.Generator.Helpers;
using Dsl.Generator.Model;
using Dsl.Generator.Values;

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
                var reason = h.ExcludedBecause is { } because ? "; " + because : "";
                w.Line("    throw new global::System.ArgumentOutOfRangeException(nameof(" + h.Name + "), value, \"" + h.Name + " must be " + Describe(h) + Escape(reason) + ".\");");
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

        var searchOrder = InSearchOrder(hyperparameters);
        w.Summary(searchOrder.SequenceEqual(hyperparameters)
            ? "The ranges the samplers read, in declaration order."
            : "The ranges the samplers read: each [When] controller before what it controls, otherwise in declaration order.");
        w.OpenBlock("public static " + TypeNames.Search + ".SearchSpace SearchSpace { get; } = new(new " + TypeNames.Search + ".ParameterSpec[]");
        foreach (var h in searchOrder)
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
        foreach (var h in searchOrder)
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

    /// <summary>
    /// The hyperparameters with every [When] controller before the parameters it controls, otherwise in declaration
    /// order: the search space needs that order, and conditions may name a parameter declared later.
    /// </summary>
    private static List<HyperparameterSpec> InSearchOrder(EquatableArray<HyperparameterSpec> hyperparameters)
    {
        var ordered = new List<HyperparameterSpec>(hyperparameters.Count);
        var pending = hyperparameters.ToList();
        while (pending.Count > 0)
        {
            // Cycles were reported and their conditions dropped by the parser; the fallback keeps this loop finite regardless.
            var next = pending.FirstOrDefault(h => h.Condition is not { } c || ordered.Any(o => o.Name == c.Parameter) || pending.All(p => p.Name != c.Parameter))
                       ?? pending[0];
            ordered.Add(next);
            pending.Remove(next);
        }
        return ordered;
    }

    private static string Describe(HyperparameterSpec h)
    {
        if (h.IsRange)
        {
            var range = "in [" + Plain(h.MinLiteral!) + ", " + Plain(h.MaxLiteral!) + "]";
            if (h.Log) range += " (log scale)";
            if (h.StepLiteral is not null) range += " in steps of " + Plain(h.StepLiteral);
            if (!h.Excluded.IsEmpty) range += ", except " + string.Join(", ", h.Excluded.Select(Plain));
            return range;
        }
        return "one of " + string.Join(", ", SearchedChoices(h).Select(Plain));
    }

    /// <summary>Literal text as a reader expects it in a message: no suffixes, quotes or namespaces.</summary>
    private static string Plain(string literal)
    {
        var text = literal.TrimEnd('L', 'f').Replace("\"", "'");
        if (text.StartsWith("global::", System.StringComparison.Ordinal)) text = text.Substring(text.LastIndexOf('.') + 1);
        return text;
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>The choices a categorical offers the samplers: its declared choices without the excluded ones.</summary>
    private static List<string> SearchedChoices(HyperparameterSpec h) => h.Choices.Where(c => !h.Excluded.Contains(c)).ToList();

    private static string? Validation(HyperparameterSpec h)
    {
        if (h.IsRange)
        {
            var inRange = "value >= " + h.MinLiteral + " && value <= " + h.MaxLiteral;
            if (h.IsInteger && h.StepLiteral is not null)
                inRange += " && (value - " + h.MinLiteral + ") % " + h.StepLiteral + " == 0";
            var condition = "!(" + inRange + ")";
            if (!h.Excluded.IsEmpty) condition += " || value is " + string.Join(" or ", h.Excluded);
            return condition;
        }
        if (h.Kind == HyperparameterKind.Bool && h.Excluded.IsEmpty) return null;
        return "value is not (" + string.Join(" or ", SearchedChoices(h)) + ")";
    }

    private static string SpecExpression(HyperparameterSpec h)
    {
        var name = "\"" + h.Name + "\"";
        string spec;
        if (h.IsRange && !h.Excluded.IsEmpty && h.IsInteger)
        {
            // Holes in an integer range leave the sampler a list of the values that work.
            // Excluded values exist only where the checker tried every value, so CandidateValues lists the whole range here.
            var allowed = CandidateValues.Of(h, out _).Select(v => v.Literal).Where(v => !h.Excluded.Contains(v)).ToList();
            spec = Categorical(name, allowed.Select(v => v.TrimEnd('L') + "L"), allowed.IndexOf(h.DefaultLiteral));
        }
        else
        {
            spec = h.Kind switch
            {
                _ when !h.IsRange => Categorical(name, SearchedChoices(h).Select(c => Boxed(h.Kind, c)), SearchedChoices(h).IndexOf(h.DefaultLiteral)),
                HyperparameterKind.Int or HyperparameterKind.Long =>
                    "new " + TypeNames.Search + ".IntParameter(" + name + ", " + h.MinLiteral!.TrimEnd('L') + "L, " + h.MaxLiteral!.TrimEnd('L') + "L, " +
                    h.DefaultLiteral.TrimEnd('L') + "L, Log: " + Bool(h.Log) + ", Step: " + (h.StepLiteral?.TrimEnd('L') ?? "1") + "L)",
                _ =>
                    "new " + TypeNames.Search + ".FloatParameter(" + name + ", " + Real(h.MinLiteral!) + ", " + Real(h.MaxLiteral!) + ", " +
                    Real(h.DefaultLiteral) + ", Log: " + Bool(h.Log) + ", Step: " + (h.StepLiteral is null ? "0.0" : Real(h.StepLiteral)) + ")",
            };
        }
        if (h.Condition is { } condition)
            spec += " { Condition = new " + TypeNames.Search + ".ParameterCondition(\"" + condition.Parameter + "\", new object[] { " +
                    string.Join(", ", condition.ValueLiterals) + " }) }";
        return spec;
    }

    private static string Categorical(string name, IEnumerable<string> choices, int defaultIndex) =>
        "new " + TypeNames.Search + ".CategoricalParameter(" + name + ", new object[] { " + string.Join(", ", choices) + " }, " + defaultIndex + ")";

    /// <summary>A choice literal boxed as the samplers see values: integers as long and reals as double.</summary>
    private static string Boxed(HyperparameterKind kind, string literal) => kind switch
    {
        HyperparameterKind.Int => literal + "L",
        HyperparameterKind.Float => "(double)" + literal,
        _ => literal,
    };

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
