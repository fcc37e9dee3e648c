using Dsl.Generator.Diagnostics;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Dsl.Generator.Helpers;
using Dsl.Generator.Layers;
using Dsl.Generator.Model;
using Dsl.Generator.Values;

namespace Dsl.Generator;

/// <summary>
/// Checks every layer whose sizes depend on hyperparameters at every value a sampler can produce for them, not only at
/// the defaults, by running the layer's own shape rules on the concrete sizes.
/// </summary>
/// <remarks>
/// The policy: no value works, or the defaults fail, is an error. When only some values fail, a warning names them, and
/// values that fail whatever the other hyperparameters are (a head count that never divides the width) are left out of
/// the generated SearchSpace and rejected by the Hyperparameters record, so no trial is spent on them. Combinations that
/// fail although each value can work are rejected when the model is built. Real-valued arguments (dropout, eps) are
/// checked at the ends of their range, which is narrowed to the values the layer accepts.
/// </remarks>
internal sealed class ValueChecker
{
    /// <summary>Above this many combinations, each hyperparameter is varied alone around the defaults instead.</summary>
    private const int MaxCombinations = 50_000;

    /// <summary>Combination guards with more cases than this are left to the layers' own checks at run time.</summary>
    private const int MaxGuardedCombinations = 256;

    private readonly ModelSpec model;
    private readonly CancellationToken cancellationToken;
    private readonly SizeEvaluator evaluator;
    private readonly Dictionary<string, HyperparameterSpec> specs;
    private readonly Dictionary<string, (List<CandidateValue> Values, bool Exhaustive)> candidates = new();
    private readonly List<DiagnosticInfo> diagnostics = new();
    private readonly List<LayerOutcome> outcomes = new();

    /// <summary>The values left out of each hyperparameter, as literals.</summary>
    private readonly Dictionary<string, HashSet<string>> excludedByParameter = new();

    private ValueChecker(ModelSpec model, CancellationToken cancellationToken)
    {
        this.model = model;
        this.cancellationToken = cancellationToken;
        specs = model.Hyperparameters.ToDictionary(h => h.Name);
        evaluator = new SizeEvaluator(model.Sizes, specs.Keys);
    }

    public static CheckedModel Check(CheckedModel checkedModel, CancellationToken cancellationToken)
    {
        var model = checkedModel.Model;
        if (model.Hyperparameters.IsEmpty) return checkedModel;
        var checker = new ValueChecker(model, cancellationToken);
        foreach (var plan in checkedModel.Plans)
        {
            var block = model.Block(plan.Block)!;
            for (var i = 0; i < block.Layers.Count; i++)
            {
                var layer = block.Layers[i];
                var checksOutputs = block.IsForward && i == block.Layers.Count - 1 && model.Outputs > 0;
                checker.CheckLayer(block, layer, plan.Shapes[i], checksOutputs);
            }
        }
        var hyperparameters = checker.Exclude();
        foreach (var plan in checkedModel.Plans)
            foreach (var layer in model.Block(plan.Block)!.Layers)
                hyperparameters = checker.NarrowRealArguments(model.Block(plan.Block)!, layer, hyperparameters);

        return checkedModel with
        {
            Model = model with { Hyperparameters = hyperparameters.ToEquatableArray() },
            Diagnostics = checkedModel.Diagnostics.Concat(checker.diagnostics).ToEquatableArray(),
            Conflicts = checker.Conflicts().ToEquatableArray(),
        };
    }

    /// <summary>One layer checked over the combinations of the hyperparameters its sizes read, and the ones that failed.</summary>
    private sealed record LayerOutcome(
        BlockSpec Block,
        LayerSpec Layer,
        List<string> Parameters,
        List<CandidateValue[]> Combinations,
        Dictionary<int, string> Failures,
        bool Exhaustive,
        bool Reported);

    // ---- Integer sizes: every combination ------------------------------------------------------------------------

    /// <summary>
    /// Checks one layer three ways, each over only the hyperparameters it reads: its shape rules (over the input sizes
    /// and arguments the rules read), each remaining size argument against its least value, and, for the last layer,
    /// the model's Outputs.
    /// </summary>
    private void CheckLayer(BlockSpec block, LayerSpec layer, LayerShape shape, bool checksOutputs)
    {
        // Fuse, Residual and Repeat have their shapes checked with their blocks; only their own counts are checked here.
        var definition = StructureLayer.IsStructural(layer.Kind) ? null : LayerCatalog.Get(layer.Kind);
        var ruleDimensions = definition?.RuleDimensions(shape.Input.Count).ToList() ?? [];
        var names = definition?.RuleArguments(layer);
        var ruleArguments = definition is null ? [] : layer.Arguments.Where(a => a.Constant is null && (names is null || names.Contains(a.Name))).ToList();

        var reads = new HashSet<string>();
        foreach (var dim in ruleDimensions.Select(i => shape.Input[i]).Where(d => d.Value is null))
        {
            if (evaluator.Dependencies(dim.Code) is not { } dimensionReads) return;
            reads.UnionWith(dimensionReads);
        }
        foreach (var argument in ruleArguments)
            reads.UnionWith(IntegerReads(argument.Code));
        if (definition is not null && reads.Count > 0)
            Explore(block, layer, reads, assignment => Failure(definition, layer, shape, ruleDimensions, assignment));

        foreach (var argument in layer.Arguments.Where(a => a.Minimum is not null && a.Constant is null && !ruleArguments.Contains(a)))
        {
            var argumentReads = IntegerReads(argument.Code);
            if (argumentReads.Count > 0)
                Explore(block, layer, argumentReads, assignment => BelowMinimum(layer, argument, assignment));
        }

        if (checksOutputs && shape.Output.Count == 1 && shape.Output[0] is { Value: null } width && evaluator.Dependencies(width.Code) is { Count: > 0 } widthReads)
        {
            Explore(block, layer, widthReads, assignment => evaluator.EvaluateLong(width.Code, assignment) is { } value && value != model.Outputs
                ? "the last layer produces [" + value + "], but the model declares Outputs = " + model.Outputs
                : null);
        }
    }

    /// <summary>The integer hyperparameters an argument reads; enum and real ones do not change sizes (reals are checked against their bounds).</summary>
    private HashSet<string> IntegerReads(string code) =>
        new((evaluator.Dependencies(code) ?? new HashSet<string>()).Where(r => specs[r].IsInteger));

    /// <summary>Runs <paramref name="failure"/> for every combination of the values of <paramref name="reads"/>, and reports or records the outcome.</summary>
    private void Explore(BlockSpec block, LayerSpec layer, HashSet<string> reads, Func<Dictionary<string, object>, string?> failure)
    {
        var ordered = model.Hyperparameters.Select(h => h.Name).Where(reads.Contains).ToList();
        if (ordered.Any(p => Candidates(p).Values.Count == 0)) return;
        var combinations = Combinations(ordered, out var exhaustive);
        var failures = new Dictionary<int, string>();
        var assignment = new Dictionary<string, object>();
        for (var c = 0; c < combinations.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var p = 0; p < ordered.Count; p++) assignment[ordered[p]] = combinations[c][p].Value;
            if (failure(assignment) is { } message) failures[c] = message;
        }
        if (failures.Count == 0) return;

        var outcome = new LayerOutcome(block, layer, ordered, combinations, failures, exhaustive, Reported: false);
        var where = Where(block, layer);
        var defaults = combinations.FindIndex(c => c.Select((v, p) => v.Literal == specs[ordered[p]].DefaultLiteral).All(x => x));
        if (failures.Count == combinations.Count)
        {
            var (index, message) = (failures.First().Key, failures.First().Value);
            Report(DiagnosticDescriptors.NoValueFits, layer.Location, where, DescribeValues(ordered), Assignment(ordered, combinations[index]) + ": " + message);
            outcomes.Add(outcome with { Reported = true });
        }
        else if (defaults >= 0 && failures.TryGetValue(defaults, out var atDefaults))
        {
            Report(DiagnosticDescriptors.DefaultDoesNotFit, layer.Location, where, Assignment(ordered, combinations[defaults]), atDefaults);
            outcomes.Add(outcome with { Reported = true });
        }
        else
        {
            outcomes.Add(outcome);
        }
    }

    private string? BelowMinimum(LayerSpec layer, LayerArgument argument, Dictionary<string, object> assignment) =>
        evaluator.EvaluateLong(argument.Code, assignment) is { } value && value < argument.Minimum
            ? layer.Kind + ": " + argument.Name + " must be " + (argument.Minimum == 1 ? "positive" : "at least " + argument.Minimum) + ", but is " + value
            : null;

    /// <summary>
    /// Every combination of the parameters' values, or, when there are too many, each varied alone with the others at
    /// their defaults; <paramref name="exhaustive"/> tells whether they are every combination a sampler can produce.
    /// </summary>
    private List<CandidateValue[]> Combinations(List<string> parameters, out bool exhaustive)
    {
        var lists = parameters.Select(p => Candidates(p).Values).ToList();
        var total = lists.Aggregate(1L, (n, l) => Math.Min(n * l.Count, long.MaxValue / 1024));
        var result = new List<CandidateValue[]>();
        exhaustive = total <= MaxCombinations && parameters.All(p => Candidates(p).Exhaustive);
        if (total <= MaxCombinations)
        {
            var indices = new int[lists.Count];
            while (true)
            {
                result.Add(indices.Select((k, p) => lists[p][k]).ToArray());
                var position = lists.Count - 1;
                while (position >= 0 && ++indices[position] == lists[position].Count) indices[position--] = 0;
                if (position < 0) return result;
            }
        }
        var defaults = parameters.Select((p, i) => lists[i].FirstOrDefault(v => v.Literal == specs[p].DefaultLiteral) ?? lists[i][0]).ToArray();
        for (var p = 0; p < lists.Count; p++)
        {
            foreach (var value in lists[p])
            {
                var combination = (CandidateValue[])defaults.Clone();
                combination[p] = value;
                result.Add(combination);
            }
        }
        return result;
    }

    private (List<CandidateValue> Values, bool Exhaustive) Candidates(string parameter)
    {
        if (!candidates.TryGetValue(parameter, out var entry))
        {
            var values = CandidateValues.Of(specs[parameter], out var exhaustive);
            candidates[parameter] = entry = (values, exhaustive);
        }
        return entry;
    }

    /// <summary>
    /// Runs the layer's rules on the concrete sizes of one assignment: the input sizes and arguments the rules read
    /// become constants, the others stay as they are. The message of the first rule it breaks, or null.
    /// </summary>
    private string? Failure(LayerDefinition definition, LayerSpec layer, LayerShape shape, List<int> ruleDimensions, Dictionary<string, object> assignment)
    {
        var input = new List<Dim>(shape.Input.Count);
        for (var i = 0; i < shape.Input.Count; i++)
        {
            var dim = shape.Input[i];
            if (dim.Value is not null || !ruleDimensions.Contains(i)) input.Add(dim);
            else if (evaluator.EvaluateLong(dim.Code, assignment) is { } size) input.Add(Dim.Of(size));
            else return null;
        }
        // An empty input is the failure of the layer that produced it, which reports it.
        if (input.Any(d => d.Value <= 0)) return null;
        var arguments = new List<LayerArgument>(layer.Arguments.Count);
        foreach (var argument in layer.Arguments)
        {
            if (argument.Constant is null && evaluator.Evaluate(argument.Code, assignment) is long value)
            {
                if (BelowMinimum(layer, argument, assignment) is { } below) return below;
                arguments.Add(LayerArgument.Of(argument.Name, value));
            }
            else
            {
                arguments.Add(argument);
            }
        }
        var concrete = layer with { Arguments = arguments.ToEquatableArray() };
        if (definition.ArgumentViolation(concrete) is { } violation)
            return DiagnosticInfo.Create(violation.Descriptor, layer.Location, [layer.Kind, .. violation.Arguments]).ToDiagnostic().GetMessage(CultureInfo.InvariantCulture);
        var found = new List<DiagnosticInfo>();
        var output = definition.Infer(concrete, input, new ShapeReporter(found));
        if (found.Count > 0) return found[0].ToDiagnostic().GetMessage(CultureInfo.InvariantCulture);
        if (output is null) return layer.Kind + " does not fit its " + ShapeMath.Describe(input) + " input";
        if (output.Any(d => d.Value is <= 0)) return layer.Kind + " produces " + ShapeMath.Describe(output);
        return null;
    }

    // ---- Exclusions and combinations the record rejects ---------------------------------------------------------

    /// <summary>
    /// Warns about every layer that only some values fail, and leaves out of each hyperparameter the values that fail
    /// whatever the others are; returns the hyperparameters with those values left out.
    /// </summary>
    private List<HyperparameterSpec> Exclude()
    {
        var dead = new Dictionary<string, List<CandidateValue>>();
        var pending = outcomes.Where(o => !o.Reported).ToList();
        // A value fails whatever the others are only if every combination with it was tried.
        foreach (var outcome in pending.Where(o => o.Exhaustive))
        {
            for (var p = 0; p < outcome.Parameters.Count; p++)
            {
                var name = outcome.Parameters[p];
                foreach (var group in Enumerable.Range(0, outcome.Combinations.Count).GroupBy(c => outcome.Combinations[c][p].Literal))
                {
                    if (!group.All(outcome.Failures.ContainsKey)) continue;
                    if (!dead.TryGetValue(name, out var list)) dead[name] = list = new List<CandidateValue>();
                    if (list.All(d => d.Literal != group.Key)) list.Add(outcome.Combinations[group.First()][p]);
                }
            }
        }

        var result = new List<HyperparameterSpec>();
        foreach (var h in model.Hyperparameters)
        {
            if (!dead.TryGetValue(h.Name, out var values))
            {
                result.Add(h);
                continue;
            }
            var (narrowed, left) = LeaveOut(h, values.Select(v => v.Literal).ToList());
            if (left) excludedByParameter[h.Name] = new HashSet<string>(values.Select(v => v.Literal));
            result.Add(narrowed);
        }

        foreach (var outcome in pending)
        {
            var where = Where(outcome.Block, outcome.Layer);
            var (index, message) = (outcome.Failures.First().Key, outcome.Failures.First().Value);
            var deadHere = outcome.Parameters
                .Select((name, p) => (name, values: outcome.Failures.Keys.Select(c => outcome.Combinations[c][p])
                    .Where(v => excludedByParameter.TryGetValue(name, out var set) && set.Contains(v.Literal))
                    .GroupBy(v => v.Literal).Select(g => g.First()).ToList()))
                .Where(d => d.values.Count > 0)
                .ToList();
            var joint = outcome.Exhaustive ? JointFailures(outcome, excludedByParameter).Count : 0;
            var failing = new List<string>();
            failing.AddRange(deadHere.Select(d => d.name + " = " + List(d.values.Select(v => v.Display))));
            if (joint > 0)
                failing.Add(joint + " combination" + (joint == 1 ? "" : "s") + " of " + string.Join(" and ", outcome.Parameters));
            var undecided = outcome.Failures.Count - joint - outcome.Failures.Keys.Count(c => IsExcluded(outcome, c, excludedByParameter));
            if (failing.Count == 0 || undecided > 0)
                failing.Add(outcome.Failures.Count + " of the " + outcome.Combinations.Count + (outcome.Parameters.Count == 1 ? " values" : " combinations") +
                            " of " + string.Join(" and ", outcome.Parameters) + " it was tried with");
            var actions = new List<string>();
            if (deadHere.Count > 0) actions.Add("the search leaves out " + string.Join("; ", deadHere.Select(d => d.name + " = " + List(d.values.Select(v => v.Display)))));
            if (joint > 0)
                actions.Add(joint <= MaxGuardedCombinations
                    ? "building the model with the failing combinations throws"
                    : "the failing combinations are too many for the record to list, so the layer fails them when it is built");
            if (actions.Count == 0) actions.Add("too many values to leave out one by one, so narrow the range to what the layer accepts");
            Report(DiagnosticDescriptors.SomeValuesDoNotFit, outcome.Layer.Location, where, string.Join("; ", failing),
                Assignment(outcome.Parameters, outcome.Combinations[index]) + ": " + message, string.Join(", and ", actions));
        }

        return result;
    }

    /// <summary>Leaves <paramref name="values"/> out of <paramref name="h"/>: a range shrinks when they sit at its ends, otherwise they are listed as excluded.</summary>
    private (HyperparameterSpec Spec, bool LeftOut) LeaveOut(HyperparameterSpec h, List<string> values)
    {
        var (all, exhaustive) = Candidates(h.Name);
        var because = List(values.Select(v => all.First(a => a.Literal == v).Display)) + (values.Count == 1 ? " does" : " do") + " not fit the layers (Dsl warning DSL0071)";
        if (!h.IsRange)
            return (h with { Excluded = h.Choices.Where(values.Contains).ToEquatableArray(), ExcludedBecause = because }, true);
        // Only a range whose every value was tried can be cut; a sampled one is left to the layers' own run-time checks.
        if (!exhaustive) return (h, false);
        var allowed = all.Where(v => !values.Contains(v.Literal)).ToList();
        var first = all.IndexOf(allowed[0]);
        var last = all.IndexOf(allowed[allowed.Count - 1]);
        var contiguous = last - first + 1 == allowed.Count;
        var spec = h with { MinLiteral = allowed[0].Literal, MaxLiteral = allowed[allowed.Count - 1].Literal, ExcludedBecause = because };
        if (!contiguous)
        {
            if (!h.IsInteger) return (h, false);
            spec = spec with { Excluded = values.Where(v => CandidateValues.ValueOf(h, v) is long n && n > (long)allowed[0].Value && n < (long)allowed[allowed.Count - 1].Value).ToEquatableArray() };
        }
        return (spec, true);
    }

    private static bool IsExcluded(LayerOutcome outcome, int combination, Dictionary<string, HashSet<string>> excluded) =>
        outcome.Parameters.Where((name, p) => excluded.TryGetValue(name, out var set) && set.Contains(outcome.Combinations[combination][p].Literal)).Any();

    /// <summary>Failing combinations none of whose values was left out: each value can work, only together they fail.</summary>
    private static List<int> JointFailures(LayerOutcome outcome, Dictionary<string, HashSet<string>> excluded) =>
        outcome.Parameters.Count < 2
            ? new List<int>()
            : outcome.Failures.Keys.Where(c => !IsExcluded(outcome, c, excluded)).OrderBy(c => c).ToList();

    /// <summary>The combinations the record rejects, per layer, when they are few enough to list.</summary>
    private IEnumerable<ValueConflict> Conflicts()
    {
        foreach (var outcome in outcomes.Where(o => !o.Reported && o.Exhaustive))
        {
            var joint = JointFailures(outcome, excludedByParameter);
            if (joint.Count == 0 || joint.Count > MaxGuardedCombinations) continue;
            yield return new ValueConflict(
                outcome.Parameters.ToEquatableArray(),
                joint.Select(c => new ValueCombination(outcome.Combinations[c].Select(v => v.Literal).ToEquatableArray())).ToEquatableArray(),
                Where(outcome.Block, outcome.Layer));
        }
    }

    // ---- Real arguments: the range against the layer's interval -----------------------------------------------

    /// <summary>
    /// Checks a real argument read from a hyperparameter (a dropout rate, an eps) at the ends of its range; a range that
    /// reaches outside what the layer accepts is narrowed to it, with a warning.
    /// </summary>
    private List<HyperparameterSpec> NarrowRealArguments(BlockSpec block, LayerSpec layer, List<HyperparameterSpec> hyperparameters)
    {
        foreach (var argument in layer.Arguments)
        {
            if (argument.Bounds is not { } bounds || !argument.Code.StartsWith("this.", StringComparison.Ordinal)) continue;
            var index = hyperparameters.FindIndex(h => h.Name == argument.Code.Substring("this.".Length));
            if (index < 0 || hyperparameters[index] is not { IsRange: true, IsInteger: false } h
                || !CandidateValues.IsFinite(h.MinLiteral!) || !CandidateValues.IsFinite(h.MaxLiteral!) || !CandidateValues.IsFinite(h.DefaultLiteral))
                continue;
            var (min, max, value) = (CandidateValues.Real(h.MinLiteral!), CandidateValues.Real(h.MaxLiteral!), CandidateValues.Real(h.DefaultLiteral));
            var where = Where(block, layer);
            if (!bounds.Contains(value))
            {
                Report(DiagnosticDescriptors.DefaultDoesNotFit, layer.Location, where, h.Name + " = " + Format(value), bounds.Requirement);
                continue;
            }
            if (bounds.Contains(min) && bounds.Contains(max)) continue;
            var step = h.StepLiteral is null ? 0 : CandidateValues.Real(h.StepLiteral);
            var low = bounds.Contains(min) ? min : Inside(bounds.Min, bounds.MinInclusive, up: true, h.Kind);
            var high = bounds.Contains(max) ? max : Inside(bounds.Max, bounds.MaxInclusive, up: false, h.Kind);
            if (step > 0)
            {
                // Stepped ranges stay on their grid, which starts at the declared minimum.
                low = min + Math.Ceiling((low - min) / step - 1e-9) * step;
                high = min + Math.Floor((high - min) / step + 1e-9) * step;
                if (!bounds.Contains(low)) low += step;
                if (!bounds.Contains(high)) high -= step;
            }
            var narrowed = h with
            {
                MinLiteral = CandidateValues.RealLiteral(low, h.Kind),
                MaxLiteral = CandidateValues.RealLiteral(high, h.Kind),
                ExcludedBecause = bounds.Requirement + " for " + where + " (Dsl warning DSL0071)",
            };
            Report(DiagnosticDescriptors.SomeValuesDoNotFit, layer.Location, where,
                "part of " + h.Name + "'s range [" + Format(min) + ", " + Format(max) + "]",
                h.Name + " = " + Format(bounds.Contains(min) ? max : min) + ": " + bounds.Requirement,
                "the search range is narrowed to [" + Plain(narrowed.MinLiteral!) + ", " + Plain(narrowed.MaxLiteral!) + "]");
            hyperparameters[index] = narrowed;
        }
        return hyperparameters;
    }

    /// <summary>The bound itself when it is closed, or the nearest representable value inside it.</summary>
    private static double Inside(double bound, bool inclusive, bool up, HyperparameterKind kind)
    {
        if (inclusive) return bound;
        if (kind == HyperparameterKind.Float)
        {
            var bits = BitConverter.ToInt32(BitConverter.GetBytes((float)bound), 0);
            var next = (float)bound >= 0 == up ? bits + 1 : bits - 1;
            if ((float)bound == 0) next = up ? 1 : unchecked((int)0x80000001);
            return BitConverter.ToSingle(BitConverter.GetBytes(next), 0);
        }
        var longBits = BitConverter.DoubleToInt64Bits(bound);
        if (bound == 0) return up ? double.Epsilon : -double.Epsilon;
        return BitConverter.Int64BitsToDouble(bound > 0 == up ? longBits + 1 : longBits - 1);
    }

    // ---- Messages ------------------------------------------------------------------------------------------

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    private static string Where(BlockSpec block, LayerSpec layer) => layer.Kind + " in " + block.Name;

    private string DescribeValues(List<string> parameters) => string.Join(" and ", parameters.Select(p =>
    {
        var h = specs[p];
        return h.IsRange
            ? p + " in [" + Plain(h.MinLiteral!) + ", " + Plain(h.MaxLiteral!) + "]" + (h.StepLiteral is { } step ? " in steps of " + Plain(step) : "")
            : p + " in {" + string.Join(", ", Candidates(p).Values.Select(v => v.Display)) + "}";
    }));

    private static string Assignment(List<string> parameters, CandidateValue[] combination) =>
        string.Join(", ", parameters.Select((p, i) => p + " = " + combination[i].Display));

    private static string List(IEnumerable<string> values)
    {
        var list = values.ToList();
        return list.Count <= 8 ? string.Join(", ", list) : string.Join(", ", list.Take(8)) + " and " + (list.Count - 8) + " more";
    }

    private static string Plain(string literal) => literal.TrimEnd('L', 'f');

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
