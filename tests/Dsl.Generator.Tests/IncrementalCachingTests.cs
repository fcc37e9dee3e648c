using System.Collections;
using System.Reflection;
using Dsl.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Dsl.Generator.Tests;

/// <summary>The pipeline re-does work only for what changed, and its models never hold compiler objects.</summary>
public class IncrementalCachingTests
{
    /// <summary>Every step name the generators declare, found by reflection so a new step cannot escape these tests.</summary>
    public static TheoryData<string> TrackedSteps() => new(
        typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!));

    private static (GeneratorDriverRunResult First, GeneratorDriverRunResult Second) RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        // A model and a sweep over it, so that every step of both generators runs.
        var compilation = GeneratorHarness.Compilation(Sources.FashionSweep, "namespace Other; public class Unrelated { }");
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult();
        driver = driver.RunGenerators(edit(compilation));
        return (first, driver.GetRunResult());
    }

    /// <summary>The outputs of every run of <paramref name="step"/>, in whichever generator declares it.</summary>
    private static List<IncrementalStepRunReason> Reasons(GeneratorDriverRunResult result, string step)
    {
        var runs = result.Results.SelectMany(r => r.TrackedSteps.TryGetValue(step, out var steps) ? steps : []).ToList();
        var reasons = runs.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.True(reasons.Count > 0, "Step " + step + " produced nothing in this run; the test compilation must exercise every tracked step.");
        return reasons;
    }

    private static readonly IncrementalStepRunReason[] Reused = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    [Theory]
    [MemberData(nameof(TrackedSteps))]
    public void SecondRunIsFullyCached(string step)
    {
        var (_, second) = RunTwice(c => c.Clone());
        Assert.All(Reasons(second, step), r => Assert.Contains(r, Reused));
    }

    [Theory]
    [MemberData(nameof(TrackedSteps))]
    public void UnrelatedEditLeavesEveryStepUnchanged(string step)
    {
        var (_, second) = RunTwice(c =>
        {
            var unrelated = c.SyntaxTrees.Last();
            return c.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { int x; }", GeneratorHarness.ParseOptions, unrelated.FilePath));
        });
        Assert.All(Reasons(second, step), r => Assert.Contains(r, Reused));
    }

    [Fact]
    public void ReferenceChangeReparsesAModelThatAnUnrelatedEditLeavesCached()
    {
        // The isolation environment compares references by identity: an equal set reuses the parsed model outright, a
        // reloaded set (new instances of the same files, as a host makes after a rebuild) parses it again.
        var (_, unrelated) = RunTwice(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; class More { }", GeneratorHarness.ParseOptions, "More.cs")));
        Assert.All(Reasons(unrelated, TrackingNames.ParsedModels), r => Assert.Equal(IncrementalStepRunReason.Cached, r));

        var (_, reloaded) = RunTwice(c => c.WithReferences(c.References.Select(r =>
            (MetadataReference)MetadataReference.CreateFromFile(((PortableExecutableReference)r).FilePath!))));
        Assert.All(Reasons(reloaded, TrackingNames.ParsedModels), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
    }

    [Fact]
    public void SweepEditModifiesTheParsedSweep()
    {
        var (_, second) = RunTwice(c =>
        {
            var file = c.SyntaxTrees.First();
            var edited = file.GetText().ToString().Replace("Epochs = 4", "Epochs = 5");
            Assert.NotEqual(file.GetText().ToString(), edited);
            return c.ReplaceSyntaxTree(file, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, file.FilePath));
        });
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(second, TrackingNames.ParsedSweeps));
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

    [Theory]
    [MemberData(nameof(TrackedSteps))]
    public void StepOutputsHoldNoCompilerObjects(string step)
    {
        var (first, _) = RunTwice(c => c.Clone());
        foreach (var output in first.Results.SelectMany(r => r.TrackedSteps.TryGetValue(step, out var steps) ? steps : []).SelectMany(s => s.Outputs))
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
