namespace Dsl.Search.Sampling;

/// <summary>Normal-distribution functions to double precision, including the tails the Parzen estimators reach.</summary>
internal static class NormalMath
{
    private const double Sqrt2 = 1.4142135623730950488;
    private const double InvSqrtPi = 0.56418958354775628695;
    private const double LogSqrt2Pi = 0.91893853320467274178;

    /// <summary>The complementary error function, accurate in relative terms for large arguments.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2 - Erfc(-x);
        if (x < 2.5) return 1 - ErfSeries(x);
        if (x > 27) return 0;
        return ErfcContinuedFraction(x);
    }

    /// <summary>The standard normal CDF.</summary>
    public static double Cdf(double x) => 0.5 * Erfc(-x / Sqrt2);

    /// <summary>The standard normal upper tail, 1 − Φ(x), without cancellation for large x.</summary>
    public static double UpperTail(double x) => 0.5 * Erfc(x / Sqrt2);

    /// <summary>The log density of the standard normal.</summary>
    public static double LogPdf(double x) => -0.5 * x * x - LogSqrt2Pi;

    /// <summary>Φ(b) − Φ(a) for a ≤ b, computed on the side of zero where it does not cancel.</summary>
    public static double Mass(double a, double b)
    {
        if (a >= 0) return UpperTail(a) - UpperTail(b);
        if (b <= 0) return Cdf(b) - Cdf(a);
        return 1 - Cdf(a) - UpperTail(b);
    }

    /// <summary>The standard normal quantile Φ⁻¹(p) for p in (0, 1).</summary>
    public static double Quantile(double p)
    {
        if (!(p > 0)) return double.NegativeInfinity;
        if (!(p < 1)) return double.PositiveInfinity;
        if (p > 0.5) return -Quantile(1 - p);

        // Abramowitz & Stegun 26.2.23 to four digits, then Halley steps on the exact CDF to full precision.
        var t = Math.Sqrt(-2 * Math.Log(p));
        var x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
        for (var i = 0; i < 3; i++)
        {
            var error = Cdf(x) - p;
            var density = Math.Exp(LogPdf(x));
            if (density == 0) break;
            var u = error / density;
            var step = u / (1 + 0.5 * x * u);
            x -= step;
            if (Math.Abs(step) < 1e-15 * Math.Max(1, Math.Abs(x))) break;
        }
        return x;
    }

    /// <summary>A draw from N(0, 1) truncated to [a, b] by inverting the CDF on the side without cancellation.</summary>
    public static double SampleTruncated(double a, double b, double u)
    {
        if (a >= b) return a;
        double x;
        if (a >= 0)
        {
            // Mirror the right tail onto the left one, where Φ keeps its relative precision.
            var lo = Cdf(-b);
            var hi = Cdf(-a);
            x = -Quantile(lo + u * (hi - lo));
        }
        else
        {
            var lo = Cdf(a);
            var hi = Cdf(b);
            x = Quantile(lo + u * (hi - lo));
        }
        if (double.IsNaN(x)) return 0.5 * (a + b);
        return Math.Clamp(x, a, b);
    }

    private static double ErfSeries(double x)
    {
        // erf x = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): every term is positive, so nothing cancels.
        var x2 = x * x;
        var term = x;
        var sum = x;
        for (var n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return 2 * InvSqrtPi * Math.Exp(-x2) * sum;
    }

    private static double ErfcContinuedFraction(double x)
    {
        // erfc x = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by the modified Lentz method.
        const double tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var n = 1; n < 500; n++)
        {
            var a = n * 0.5;
            d = x + a * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return InvSqrtPi * Math.Exp(-x * x) / f;
    }
}
