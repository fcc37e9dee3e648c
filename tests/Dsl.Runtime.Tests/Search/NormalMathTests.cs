using Dsl.Search.Sampling;

namespace Dsl.Runtime.Tests.Search;

public class NormalMathTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(2.5, 4.069520174449590e-4)]
    [InlineData(3.0, 2.209049699858544e-5)]
    [InlineData(6.0, 2.151973671249892e-17)]
    [InlineData(-1.0, 1.8427007929497148)]
    public void Erfc_matches_reference_values_to_relative_precision(double x, double expected)
    {
        Assert.True(Math.Abs(NormalMath.Erfc(x) - expected) <= 1e-13 * expected, $"erfc({x}) = {NormalMath.Erfc(x):R}");
    }

    [Theory]
    [InlineData(-30.0)]
    [InlineData(-8.0)]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(4.0)]
    public void Quantile_inverts_the_cdf(double x)
    {
        Assert.Equal(x, NormalMath.Quantile(NormalMath.Cdf(x)), 8);
    }

    [Fact]
    public void Truncated_draws_stay_inside_their_bounds_even_far_in_a_tail()
    {
        var random = new SamplerRandom(1);
        for (var i = 0; i < 1000; i++)
        {
            Assert.InRange(NormalMath.SampleTruncated(-0.5, 2, random.NextOpenDouble()), -0.5, 2);
            Assert.InRange(NormalMath.SampleTruncated(9, 12, random.NextOpenDouble()), 9, 12);
        }
    }

    [Fact]
    public void Mass_of_a_far_tail_interval_keeps_its_precision()
    {
        // Φ(−8) − Φ(−9) ≈ 6.2198e-16, which 1 − (1 − …) would round to zero.
        Assert.True(Math.Abs(NormalMath.Mass(8, 9) - 6.219831985865866e-16) < 1e-28);
        Assert.True(Math.Abs(NormalMath.Mass(8, 9) - NormalMath.Mass(-9, -8)) < 1e-28);
    }
}
