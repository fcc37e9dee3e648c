namespace Dsl.Training;

/// <summary>
/// How the learning rate changes over training, as a factor of <see cref="TrainingOptions.LearningRate"/>. The factor
/// is a pure function of the optimizer step, so a resumed run continues the schedule exactly where it stopped.
/// </summary>
/// <remarks>
/// Schedules are applied before every optimizer step. Compose a linear warm-up in front of any schedule with
/// <see cref="WithWarmup"/>; the main schedule then starts counting when the warm-up ends.
/// </remarks>
public abstract record LearningRateSchedule
{
    /// <summary>The same learning rate throughout.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>Multiplies the learning rate by <paramref name="gamma"/> every <paramref name="everyEpochs"/> epochs (PyTorch's StepLR).</summary>
    public static LearningRateSchedule Step(int everyEpochs, double gamma = 0.1) => new StepSchedule(everyEpochs, gamma);

    /// <summary>Cosine annealing from the full rate down to <paramref name="minFactor"/> × rate over all steps.</summary>
    public static LearningRateSchedule Cosine(double minFactor = 0) => new CosineSchedule(minFactor);

    /// <summary>
    /// The one-cycle policy (PyTorch's OneCycleLR with cosine annealing): from rate / <paramref name="divFactor"/> up to the
    /// full rate over the first <paramref name="pctStart"/> of the steps, then down to that start / <paramref name="finalDivFactor"/>.
    /// </summary>
    /// <remarks>Unlike PyTorch, momentum is not cycled.</remarks>
    public static LearningRateSchedule OneCycle(double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4) =>
        new OneCycleSchedule(pctStart, divFactor, finalDivFactor);

    /// <summary>The schedule a <see cref="ScheduleKind"/> stands for, with the usual settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public static LearningRateSchedule For(ScheduleKind kind) => kind switch
    {
        ScheduleKind.Constant => Constant,
        ScheduleKind.Cosine => Cosine(),
        ScheduleKind.WarmupCosine => Cosine().WithWarmup(1),
        ScheduleKind.OneCycle => OneCycle(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown schedule kind; expected one of {string.Join(", ", Enum.GetNames<ScheduleKind>())}."),
    };

    /// <summary>Puts a linear warm-up from <paramref name="startFactor"/> × rate to the full rate, lasting <paramref name="epochs"/> epochs, in front of this schedule.</summary>
    /// <param name="epochs">Warm-up length in epochs; fractions count in steps (0.5 is half an epoch's steps).</param>
    /// <param name="startFactor">Factor of the first step.</param>
    public LearningRateSchedule WithWarmup(double epochs, double startFactor = 0.1) => new WarmupSchedule(this, epochs, startFactor);

    /// <summary>The factor of the base learning rate at a 0-based optimizer <paramref name="step"/>.</summary>
    /// <param name="step">Optimizer steps taken so far.</param>
    /// <param name="totalSteps">Steps the whole run would take (epochs × steps per epoch).</param>
    /// <param name="stepsPerEpoch">Optimizer steps in one epoch.</param>
    public abstract double Factor(long step, long totalSteps, int stepsPerEpoch);

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public virtual void Validate()
    {
    }
}

/// <summary>A constant learning rate.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps, int stepsPerEpoch) => 1.0;
}

/// <summary>Step decay: × <paramref name="Gamma"/> every <paramref name="EveryEpochs"/> epochs.</summary>
/// <param name="EveryEpochs">Epochs between decays.</param>
/// <param name="Gamma">Multiplier applied at each decay.</param>
public sealed record StepSchedule(int EveryEpochs, double Gamma) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps, int stepsPerEpoch) =>
        Math.Pow(Gamma, step / Math.Max(stepsPerEpoch, 1) / EveryEpochs);

    /// <inheritdoc />
    public override void Validate()
    {
        if (EveryEpochs < 1) throw new ArgumentException($"Step schedule: EveryEpochs must be at least 1, but is {EveryEpochs}.", nameof(EveryEpochs));
        if (!(Gamma > 0 && Gamma <= 1)) throw new ArgumentException($"Step schedule: Gamma must lie in (0, 1], but is {Gamma}.", nameof(Gamma));
    }
}

/// <summary>Cosine annealing to <paramref name="MinFactor"/> over the whole run.</summary>
/// <param name="MinFactor">Factor reached at the last step.</param>
public sealed record CosineSchedule(double MinFactor) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps, int stepsPerEpoch)
    {
        var progress = totalSteps <= 1 ? 0 : Math.Min(step, totalSteps - 1) / (double)(totalSteps - 1);
        return MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(MinFactor >= 0 && MinFactor <= 1)) throw new ArgumentException($"Cosine schedule: MinFactor must lie in [0, 1], but is {MinFactor}.", nameof(MinFactor));
    }
}

/// <summary>The one-cycle policy; see <see cref="LearningRateSchedule.OneCycle"/>.</summary>
/// <param name="PctStart">Share of the steps spent rising.</param>
/// <param name="DivFactor">The first step's rate is the full rate divided by this.</param>
/// <param name="FinalDivFactor">The last step's rate is the first step's divided by this.</param>
public sealed record OneCycleSchedule(double PctStart, double DivFactor, double FinalDivFactor) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step, long totalSteps, int stepsPerEpoch)
    {
        var initial = 1 / DivFactor;
        var final = initial / FinalDivFactor;
        var peak = Math.Max(PctStart * totalSteps - 1, 0);
        var last = totalSteps - 1.0;
        if (peak > 0 && step <= peak) return Anneal(initial, 1, step / peak);
        return Anneal(1, final, last > peak ? Math.Min(1, (step - peak) / (last - peak)) : 1);
    }

    private static double Anneal(double start, double end, double progress) => end + (start - end) / 2 * (Math.Cos(Math.PI * progress) + 1);

    /// <inheritdoc />
    public override void Validate()
    {
        if (!(PctStart > 0 && PctStart < 1)) throw new ArgumentException($"One-cycle schedule: PctStart must lie in (0, 1), but is {PctStart}.", nameof(PctStart));
        if (!(DivFactor >= 1)) throw new ArgumentException($"One-cycle schedule: DivFactor must be at least 1, but is {DivFactor}.", nameof(DivFactor));
        if (!(FinalDivFactor >= 1)) throw new ArgumentException($"One-cycle schedule: FinalDivFactor must be at least 1, but is {FinalDivFactor}.", nameof(FinalDivFactor));
    }
}

/// <summary>A linear warm-up in front of <paramref name="Main"/>, which starts counting steps when the warm-up ends.</summary>
/// <param name="Main">The schedule that follows the warm-up.</param>
/// <param name="Epochs">Warm-up length in epochs (fractions allowed).</param>
/// <param name="StartFactor">Factor of the first step.</param>
public sealed record WarmupSchedule(LearningRateSchedule Main, double Epochs, double StartFactor) : LearningRateSchedule
{
    /// <summary>The warm-up length in optimizer steps.</summary>
    public long WarmupSteps(int stepsPerEpoch) => (long)Math.Ceiling(Epochs * stepsPerEpoch);

    /// <inheritdoc />
    public override double Factor(long step, long totalSteps, int stepsPerEpoch)
    {
        var warmup = WarmupSteps(stepsPerEpoch);
        if (step < warmup) return StartFactor + (1 - StartFactor) * step / warmup;
        return Main.Factor(step - warmup, Math.Max(totalSteps - warmup, 1), stepsPerEpoch);
    }

    /// <inheritdoc />
    public override void Validate()
    {
        ArgumentNullException.ThrowIfNull(Main, nameof(Main));
        if (!(Epochs > 0) || double.IsInfinity(Epochs)) throw new ArgumentException($"Warm-up: Epochs must be a positive number, but is {Epochs}.", nameof(Epochs));
        if (!(StartFactor >= 0 && StartFactor <= 1)) throw new ArgumentException($"Warm-up: StartFactor must lie in [0, 1], but is {StartFactor}.", nameof(StartFactor));
        Main.Validate();
    }
}
