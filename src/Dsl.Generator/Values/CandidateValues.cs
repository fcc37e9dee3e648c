using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Dsl.Generator.Model;

namespace Dsl.Generator.Values;

/// <summary>One value a sampler can give a hyperparameter: its C# literal and its value as <see cref="SizeEvaluator"/> reads it.</summary>
internal sealed record CandidateValue(string Literal, object Value)
{
    /// <summary>The value as a reader writes it: no suffix, quotes or namespace.</summary>
    public string Display => Value switch
    {
        EnumValue e => e.Member,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(Value, CultureInfo.InvariantCulture) ?? Literal,
    };
}

/// <summary>The values the value checker tries for each hyperparameter: every value a sampler can produce, when there are not too many.</summary>
internal static class CandidateValues
{
    /// <summary>Ranges with more values than this are checked at their ends, their default and evenly spaced values between.</summary>
    public const int MaxValues = 4096;

    /// <summary>The values of <paramref name="h"/>; <paramref name="exhaustive"/> tells whether they are all it can take.</summary>
    public static List<CandidateValue> Of(HyperparameterSpec h, out bool exhaustive)
    {
        exhaustive = true;
        // A bound that is no finite number (an infinite range) leaves nothing to try; its layers keep their run-time checks.
        if (h.IsRange && (!IsFinite(h.MinLiteral!) || !IsFinite(h.MaxLiteral!) || !IsFinite(h.DefaultLiteral) || h.StepLiteral is { } s && !IsFinite(s)))
        {
            exhaustive = false;
            return [];
        }
        if (!h.IsRange) return h.Choices.Select(c => new CandidateValue(c, ValueOf(h, c))).ToList();
        if (h.IsInteger)
        {
            var (min, max) = (Long(h.MinLiteral!), Long(h.MaxLiteral!));
            var step = h.StepLiteral is null ? 1 : Long(h.StepLiteral);
            // In doubles, so that a range as wide as long's cannot overflow.
            var steps = Math.Floor(((double)max - min) / step);
            IEnumerable<long> values;
            if (steps < MaxValues)
            {
                values = Enumerable.Range(0, (int)steps + 1).Select(k => min + k * step);
            }
            else
            {
                exhaustive = false;
                values = Enumerable.Range(0, MaxValues)
                    .Select(k => (double)min + Math.Round(k * steps / (MaxValues - 1)) * step)
                    .Select(v => v >= max ? max : (long)v)
                    .Append(Long(h.DefaultLiteral)).Distinct().OrderBy(v => v);
            }
            var suffix = h.Kind == HyperparameterKind.Long ? "L" : "";
            return values.Select(v => new CandidateValue(v.ToString(CultureInfo.InvariantCulture) + suffix, v)).ToList();
        }
        var (low, high) = (Real(h.MinLiteral!), Real(h.MaxLiteral!));
        if (h.StepLiteral is { } stepLiteral && Real(stepLiteral) is var realStep && (high - low) / realStep < MaxValues)
        {
            var steps = (int)Math.Floor((high - low) / realStep + 1e-9);
            return Enumerable.Range(0, steps + 1).Select(k => low + k * realStep).Select(v => new CandidateValue(RealLiteral(v, h.Kind), v)).ToList();
        }
        // A continuous range: its ends and its default; layer rules on reals are intervals, which the ends decide.
        exhaustive = false;
        return new[] { low, Real(h.DefaultLiteral), high }.Distinct().Select(v => new CandidateValue(RealLiteral(v, h.Kind), v)).ToList();
    }

    /// <summary>The evaluator's value of one of <paramref name="h"/>'s literals.</summary>
    public static object ValueOf(HyperparameterSpec h, string literal) => h.Kind switch
    {
        HyperparameterKind.Int or HyperparameterKind.Long => Long(literal),
        HyperparameterKind.Double or HyperparameterKind.Float => Real(literal),
        HyperparameterKind.Bool => literal == "true",
        HyperparameterKind.Enum => new EnumValue(literal.Substring(literal.LastIndexOf('.') + 1)),
        _ => literal,
    };

    /// <summary>Whether a numeric literal is a finite number.</summary>
    public static bool IsFinite(string literal) =>
        double.TryParse(literal.TrimEnd('L', 'f'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && !double.IsNaN(value) && !double.IsInfinity(value);

    public static long Long(string literal) => long.Parse(literal.TrimEnd('L'), CultureInfo.InvariantCulture);

    public static double Real(string literal) => double.Parse(literal.TrimEnd('f'), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A real as a literal of the hyperparameter's type.</summary>
    public static string RealLiteral(double value, HyperparameterKind kind) => HyperparameterParser.NumberLiteral(value, kind);
}
