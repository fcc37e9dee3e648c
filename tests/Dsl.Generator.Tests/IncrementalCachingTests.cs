using System.Collections;
using System.Reflection;
using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>The pipeline re-does work only for what changed, and its models never hold compiler objects.</summary>
public class IncrementalCachingTests
{
    private static readonly string[] TrackedSteps =
        [TrackingNames.ModelSources, TrackingNames.DeclaredTypes, TrackingNames.GlobalUsings, TrackingNames.ParsedModels, TrackingNames.CheckedModels, TrackingNames.Diagnostics, TrackingNames.AnyModel];

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = GeneratorHarness.Compilation(Sources.FashionCnn, "namespace Other; public class Unrelated { }");
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult();
        driver = driver.RunGenerators(edit(compilation));
        return (first, driver.GetRunResult());
    }

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step) =>
        result.Results[0].TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    [Fact]
    public void SecondRunIsFullyCached()
    {
        var (_, second) = RunTwice(c => c.Clone());
        foreach (var step in TrackedSteps)
            Assert.All(Reasons(second, step), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void UnrelatedEditLeavesModelsUnchanged()
    {
        var (_, second) = RunTwice(c =>
        {
            var unrelated = c.SyntaxTrees.Last();
            return c.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { int x; }", GeneratorHarness.ParseOptions, unrelated.FilePath));
        });
        foreach (var step in TrackedSteps)
            Assert.All(Reasons(second, step), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
    }

    [Fact]
    public void AttributeEditModifiesTheModel()
    {
        var (_, second) = RunTwice(c =>
        {
            var model = c.SyntaxTrees.First();
            var edited = model.GetText().ToString().Replace("[Linear(10)]", "[Dropout(0.1), Linear(10)]");
            return c.ReplaceSyntaxTree(model, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, model.FilePath));
        });
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.ParsedModels));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.CheckedModels));
    }

    [Fact]
    public void StepOutputsHoldNoCompilerObjects()
    {
        var (first, _) = RunTwice(c => c.Clone());
        foreach (var step in TrackedSteps)
            foreach (var output in first.Results[0].TrackedSteps[step].SelectMany(s => s.Outputs))
                AssertNoCompilerObjects(output.Value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
    }

    private static void AssertNoCompilerObjects(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        if (!value.GetType().IsValueType && !seen.Add(value)) return;
        Assert.False(value is Compilation or ISymbol or SyntaxNode or SemanticModel or SyntaxTree,
            $"{path} holds a {value.GetType().Name}; cached pipeline models must be plain data.");
        // A default ImmutableArray (an unset optional list inside parse options, say) holds nothing.
        if (value.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>)
            && (bool)type.GetProperty(nameof(System.Collections.Immutable.ImmutableArray<int>.IsDefault))!.GetValue(value)!)
            return;
        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items) AssertNoCompilerObjects(item, $"{path}[{i++}]", seen);
            return;
        }
        foreach (var field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertNoCompilerObjects(field.GetValue(value), $"{path}.{field.Name}", seen);
    }
}
