namespace Dsl.Search;

/// <summary>
/// A parameter's internal representation, the space samplers model (Optuna's <c>to_internal_repr</c> and
/// <c>to_external_repr</c>). Numeric parameters live on an interval [<see cref="Low"/>, <see cref="High"/>]
/// (log-transformed when logarithmic, widened by half a step when stepped, so that rounding gives every grid value an
/// equal share); categoricals are represented by choice index.
/// </summary>
internal sealed class InternalRepresentation
{
    private readonly FloatParameter? floatSpec;
    private readonly IntParameter? intSpec;
    private readonly long intStep;
    private readonly long intLast;
    private readonly double floatLast;
    private readonly long stepCount;

    public InternalRepresentation(ParameterSpec spec)
    {
        Spec = spec;
        switch (spec)
        {
            case CategoricalParameter categorical:
                Categorical = categorical;
                ChoiceCount = categorical.Choices.Count;
                if (ChoiceCount == 0) throw new ArgumentException($"Categorical '{spec.Name}' has no choices.", nameof(spec));
                break;
            case FloatParameter f:
                floatSpec = f;
                if (!(f.Low <= f.High)) throw new ArgumentException($"'{f.Name}' has Low > High.", nameof(spec));
                if (f.Log && !(f.Low > 0)) throw new ArgumentException($"'{f.Name}' is logarithmic but Low ≤ 0.", nameof(spec));
                if (f.Step > 0)
                {
                    stepCount = (long)Math.Floor((f.High - f.Low) / f.Step + 1e-9);
                    floatLast = Math.Min(f.High, f.Low + stepCount * f.Step);
                    Step = f.Log ? 0 : f.Step;
                }
                else floatLast = f.High;
                (Low, High) = f.Log
                    ? (Math.Log(f.Low), Math.Log(floatLast))
                    : f.Step > 0 ? (f.Low - 0.5 * f.Step, floatLast + 0.5 * f.Step) : (f.Low, f.High);
                IsSingleValue = f.Low == floatLast;
                break;
            case IntParameter i:
                intSpec = i;
                if (i.Low > i.High) throw new ArgumentException($"'{i.Name}' has Low > High.", nameof(spec));
                if (i.Log && i.Low <= 0) throw new ArgumentException($"'{i.Name}' is logarithmic but Low ≤ 0.", nameof(spec));
                intStep = Math.Max(1, i.Step);
                stepCount = (i.High - i.Low) / intStep;
                intLast = i.Low + stepCount * intStep;
                (Low, High) = i.Log
                    ? (Math.Log(i.Low - 0.5 * intStep), Math.Log(intLast + 0.5 * intStep))
                    : (i.Low - 0.5 * intStep, intLast + 0.5 * intStep);
                Step = i.Log ? 0 : intStep;
                IsSingleValue = i.Low == intLast;
                break;
            default:
                throw new ArgumentException($"Unsupported parameter kind {spec.GetType().Name} for '{spec.Name}'.", nameof(spec));
        }
    }

    public ParameterSpec Spec { get; }

    public string Name => Spec.Name;

    /// <summary>Set for categorical parameters.</summary>
    public CategoricalParameter? Categorical { get; }

    public bool IsCategorical => Categorical is not null;

    public int ChoiceCount { get; }

    /// <summary>Lower end of the internal interval (numeric parameters).</summary>
    public double Low { get; }

    /// <summary>Upper end of the internal interval (numeric parameters).</summary>
    public double High { get; }

    /// <summary>Width of one grid cell in internal units, or 0 where the internal space is continuous.</summary>
    public double Step { get; }

    /// <summary>True when the range holds a single value, which nothing needs to model.</summary>
    public bool IsSingleValue { get; }

    /// <summary>The number of distinct values of a stepped or integer parameter (0 for continuous floats).</summary>
    public long DistinctValues => IsCategorical ? ChoiceCount : intSpec is not null || floatSpec!.Step > 0 ? stepCount + 1 : 0;

    /// <summary>The boxed value at an internal coordinate: rounded to the step, clamped into the range.</summary>
    public object ToExternal(double internalValue)
    {
        if (Categorical is { } c) return c.Choices[Math.Clamp((int)Math.Floor(internalValue), 0, ChoiceCount - 1)];
        if (floatSpec is { } f)
        {
            var x = f.Log ? Math.Exp(internalValue) : internalValue;
            if (f.Step > 0)
            {
                var k = Math.Clamp(Math.Round((x - f.Low) / f.Step, MidpointRounding.AwayFromZero), 0, stepCount);
                x = f.Low + k * f.Step;
            }
            return Math.Clamp(x, f.Low, floatLast);
        }
        var i = intSpec!;
        var real = i.Log ? Math.Exp(internalValue) : internalValue;
        var steps = Math.Clamp(Math.Round((real - i.Low) / intStep, MidpointRounding.AwayFromZero), 0, stepCount);
        return i.Low + (long)steps * intStep;
    }

    /// <summary>The <paramref name="k"/>-th value of an integer or stepped parameter, counting from <c>Low</c>.</summary>
    public object NthValue(long k)
    {
        k = Math.Clamp(k, 0, stepCount);
        if (intSpec is { } i) return i.Low + k * intStep;
        var f = floatSpec!;
        return Math.Clamp(f.Low + k * f.Step, f.Low, floatLast);
    }

    /// <summary>The boxed value at a point of the unit interval, spread evenly over the internal space.</summary>
    public object FromUnit(double u) =>
        IsCategorical ? ToExternal(u * ChoiceCount) : ToExternal(Low + Math.Clamp(u, 0, 1) * (High - Low));

    /// <summary>The internal coordinate of a canonical value (the choice index for categoricals).</summary>
    public double ToInternal(object canonical)
    {
        if (Categorical is { } c) return c.IndexOf(canonical);
        var x = canonical is long l ? l : (double)canonical;
        var isLog = floatSpec?.Log ?? intSpec!.Log;
        return isLog ? Math.Log(x) : x;
    }

    /// <summary>The internal coordinate of the parameter's value, scaled to [0, 1] (categoricals: the cell centre).</summary>
    public double ToUnit(object canonical) => IsCategorical
        ? (ToInternal(canonical) + 0.5) / ChoiceCount
        : High > Low ? Math.Clamp((ToInternal(canonical) - Low) / (High - Low), 0, 1) : 0.5;
}
