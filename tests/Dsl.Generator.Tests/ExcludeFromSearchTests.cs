using Dsl.Generator.Tests.Infrastructure;

namespace Dsl.Generator.Tests;

/// <summary>Enum members marked [ExcludeFromSearch] leave the default choices, but stay available when asked for.</summary>
public class ExcludeFromSearchTests
{
    private static string Model(string hyperparameter) => Sources.Usings + """
        namespace T;

        public enum Norm { Batch, Layer, [ExcludeFromSearch] Experimental }

        [Model(Input = new[] { 4 }, Outputs = 2)]
        public partial class M
        {
        """ + "\n    " + hyperparameter + "\n" + """
            [Linear(2)] public partial Tensor Forward(Tensor x);
        }
        """;

    private static string SearchSpaceLine(string source, string name) =>
        GeneratorHarness.Run(source).Source("M.Model.g.cs").Split('\n').Single(l => l.Contains("CategoricalParameter(\"" + name + "\""));

    [Fact]
    public void AnExcludedMemberIsNotSearchedByDefault()
    {
        var line = SearchSpaceLine(Model("[Hyperparameter] public partial Norm Kind { get; }"), "Kind");
        Assert.Contains("global::T.Norm.Batch, global::T.Norm.Layer }", line);
        Assert.DoesNotContain("Experimental", line);
    }

    [Fact]
    public void AnExcludedMemberThatIsTheDefaultIsSearched()
    {
        var line = SearchSpaceLine(Model("[Hyperparameter(Default = Norm.Experimental)] public partial Norm Kind { get; }"), "Kind");
        Assert.Contains("global::T.Norm.Experimental", line);
    }

    [Fact]
    public void AnExcludedMemberListedInChoicesIsSearched()
    {
        var line = SearchSpaceLine(Model("[Hyperparameter(Choices = new object[] { Norm.Layer, Norm.Experimental })] public partial Norm Kind { get; }"), "Kind");
        Assert.Contains("global::T.Norm.Layer, global::T.Norm.Experimental }", line);
    }

    [Fact]
    public void SoftmaxIsLeftOutOfAnUnrestrictedActivation()
    {
        var line = SearchSpaceLine(Model("[Hyperparameter] public partial Activation Act { get; }"), "Act");
        Assert.Contains("global::Dsl.Activation.ELU }", line);
        Assert.DoesNotContain("Softmax", line);
    }
}
