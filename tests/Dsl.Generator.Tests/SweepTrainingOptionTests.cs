using System.Reflection;
using Dsl.Generator.Tests.Infrastructure;
using Dsl.Training;
using Microsoft.CodeAnalysis;

namespace Dsl.Generator.Tests;

/// <summary>Sweep hyperparameters bind to whatever public init properties TrainingOptions has, read from the compilation.</summary>
public class SweepTrainingOptionTests
{
    private const string Model = Sources.Usings + """
        namespace T;

        [Model(Input = new[] { 4 }, Outputs = 2)]
        public partial class M
        {
            [Linear(2)] public partial Tensor Forward(Tensor x);
        }

        """;

    // A TrainingOptions of another shape than the runtime's: the generator must take its options from here.
    private const string FakeOptions = """
        namespace Dsl.Training
        {
            public enum CurveKind { Flat, Steep }

            public sealed record Curve
            {
                public static Curve For(CurveKind kind) => new();
            }

            public sealed record TrainingOptions
            {
                public int WarmupSteps { get; init; }
                public Curve Curve { get; init; } = new();
                public double Ratio { get; }
            }
        }

        """;

    [Fact]
    public void AnOptionOfTheCompilationsTrainingOptionsBindsWithoutAGeneratorChange()
    {
        var sweep = """
            namespace T
            {
                [Sweep(typeof(M))]
                public partial class S
                {
                    [Hyperparameter(1, 100, Default = 10)] public partial int WarmupSteps { get; }
                    [Hyperparameter(Default = Dsl.Training.CurveKind.Flat)] public partial Dsl.Training.CurveKind Curve { get; }
                }
            }
            """;
        var output = GeneratorHarness.Run(Model.Replace("namespace T;", "namespace T {") + "}\n" + FakeOptions + sweep);

        Assert.Empty(output.GeneratorDiagnostics);
        var driver = output.Source("T.S.Sweep.g.cs");
        Assert.Contains("WarmupSteps = hyperparameters.WarmupSteps,", driver);
        Assert.Contains("Curve = global::Dsl.Training.Curve.For(hyperparameters.Curve),", driver);
    }

    [Theory]
    [InlineData("[Hyperparameter(0.0, 1.0)] public partial double WarmupSteps { get; }", "DSL0063", "needs a hyperparameter of type int")]
    [InlineData("[Hyperparameter] public partial Dsl.Training.Flavor Curve { get; }", "DSL0063", "needs a hyperparameter of type CurveKind")]
    [InlineData("[Hyperparameter(0.0, 1.0)] public partial double Ratio { get; }", "DSL0062", "sweep hyperparameters set WarmupSteps (int), Curve (CurveKind)")]
    [InlineData("[Hyperparameter(1e-4, 1e-1)] public partial double LearningRate { get; }", "DSL0062", "sweep hyperparameters set WarmupSteps (int), Curve (CurveKind)")]
    public void OptionsAndTheirTypesComeFromTheCompilationsTrainingOptions(string declaration, string id, string message)
    {
        var sweep = "namespace Dsl.Training { public enum Flavor { A } }\nnamespace T { [Sweep(typeof(M))] public partial class S { " + declaration + " } }";
        var output = GeneratorHarness.Run(Model.Replace("namespace T;", "namespace T {") + "}\n" + FakeOptions + sweep);

        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void EverySearchablePublicInitPropertyOfTheRuntimeTrainingOptionsBinds()
    {
        var options = typeof(TrainingOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetCustomAttribute<ExcludeFromSearchAttribute>() is null)
            .Select(p => (p.Name, Declaration: Declaration(p)))
            .Where(o => o.Declaration is not null)
            .ToList();
        // The options the generator once listed by hand must be among them, so this test cannot pass on an empty list.
        Assert.Superset(
            new HashSet<string> { "LearningRate", "Momentum", "WeightDecay", "LabelSmoothing", "GradientClipNorm", "Beta1", "Beta2", "BatchSize", "Epochs", "Nesterov", "Optimizer", "Schedule" },
            options.Select(o => o.Name).ToHashSet());

        var sweep = "[Sweep(typeof(M))]\npublic partial class S\n{\n" +
                    string.Join("\n", options.Select(o => "    " + o.Declaration!.Replace("NAME", o.Name))) + "\n}\n";
        var output = GeneratorHarness.Run(Model + sweep);

        Assert.Empty(output.GeneratorDiagnostics);
        Assert.Empty(output.Errors);
        var driver = output.Source("T.S.Sweep.g.cs");
        Assert.All(options, o => Assert.Contains(" " + o.Name + " = ", driver));
        Assert.Contains("Schedule = global::Dsl.Training.LearningRateSchedule.For(hyperparameters.Schedule)", driver);
    }

    [Fact]
    public void AnOptionMarkedExcludeFromSearchIsNoSweepOption()
    {
        var sweep = "[Sweep(typeof(M))]\npublic partial class S\n{\n    [Hyperparameter(Choices = new[] { \"a.pt\", \"b.pt\" })] public partial string CheckpointPath { get; }\n}\n";
        var output = GeneratorHarness.Run(Model + sweep);

        var diagnostic = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal("DSL0062", diagnostic.Id);
        Assert.DoesNotContain("CheckpointPath (", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A sweep hyperparameter declaration that can set <paramref name="property"/>, or null when none can.</summary>
    private static string? Declaration(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(int) || type == typeof(long)) return "[Hyperparameter(1, 8, Default = 2)] public partial " + Keyword(type) + " NAME { get; }";
        if (type == typeof(double) || type == typeof(float)) return "[Hyperparameter(0.0, 0.5, Default = 0.1)] public partial " + Keyword(type) + " NAME { get; }";
        if (type == typeof(bool)) return "[Hyperparameter] public partial bool NAME { get; }";
        if (type == typeof(string)) return "[Hyperparameter(Choices = new[] { \"a\", \"b\" })] public partial string NAME { get; }";
        if (type.IsEnum) return "[Hyperparameter] public partial " + type.FullName + " NAME { get; }";
        var conversion = type.GetMethod("For", BindingFlags.Public | BindingFlags.Static);
        return conversion is { } method && method.ReturnType == type && method.GetParameters() is [{ ParameterType.IsEnum: true } parameter]
            ? "[Hyperparameter] public partial " + parameter.ParameterType.FullName + " NAME { get; }"
            : null;
    }

    private static string Keyword(Type type) =>
        type == typeof(int) ? "int" : type == typeof(long) ? "long" : type == typeof(double) ? "double" : "float";
}
