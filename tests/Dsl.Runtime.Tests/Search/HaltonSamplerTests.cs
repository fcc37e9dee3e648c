using Dsl.Search;
using Dsl.Search.Sampling;
using static Dsl.Runtime.Tests.Search.StudySimulator;

namespace Dsl.Runtime.Tests.Search;

public class HaltonSamplerTests
{
    [Fact]
    public void The_first_points_stratify_each_axis_as_a_low_discrepancy_sequence_must()
    {
        // Digit-permutation scrambling keeps Halton's defining property: the first b^m points put one point in each
        // of the b^m equal cells of the axis whose base is b.
        var space = new SearchSpace([new FloatParameter("base2", 0, 1, 0.5), new FloatParameter("base3", 0, 1, 0.5)]);

        var history = Run(new HaltonSampler(seed: 17), space, _ => 0, 27);

        Assert.Equal(16, history.Take(16).Select(t => (int)((double)t.Parameters["base2"] * 16)).Distinct().Count());
        Assert.Equal(27, history.Select(t => (int)((double)t.Parameters["base3"] * 27)).Distinct().Count());
    }

    [Fact]
    public void Random_draws_do_not_stratify_like_that()
    {
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5)]);

        var history = Run(new RandomSampler(seed: 17), space, _ => 0, 16);

        Assert.NotEqual(16, history.Select(t => (int)((double)t.Parameters["x"] * 16)).Distinct().Count());
    }

    [Fact]
    public void Scrambling_differs_between_seeds()
    {
        var space = new SearchSpace([new FloatParameter("x", 0, 1, 0.5)]);

        var a = Run(new HaltonSampler(seed: 1), space, _ => 0, 5).Select(t => t.Parameters["x"]);
        var b = Run(new HaltonSampler(seed: 2), space, _ => 0, 5).Select(t => t.Parameters["x"]);

        Assert.NotEqual(a, b);
    }
}
