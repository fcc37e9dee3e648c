using Dsl.Training;

namespace Dsl.Runtime.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Step_decays_every_n_epochs()
    {
        var schedule = LearningRateSchedule.Step(everyEpochs: 3, gamma: 0.1);

        Assert.Equal(1.0, schedule.Factor(0, 100, 10));
        Assert.Equal(1.0, schedule.Factor(29, 100, 10));
        Assert.Equal(0.1, schedule.Factor(30, 100, 10), 12);
        Assert.Equal(0.01, schedule.Factor(65, 100, 10), 12);
    }

    [Fact]
    public void Cosine_runs_from_one_to_the_minimum()
    {
        var schedule = LearningRateSchedule.Cosine(minFactor: 0.1);

        Assert.Equal(1.0, schedule.Factor(0, 101, 10), 12);
        Assert.Equal(0.55, schedule.Factor(50, 101, 10), 12);
        Assert.Equal(0.1, schedule.Factor(100, 101, 10), 12);
    }

    [Fact]
    public void One_cycle_rises_to_the_peak_then_anneals_far_below_the_start()
    {
        var schedule = LearningRateSchedule.OneCycle(pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4);

        Assert.Equal(1 / 25.0, schedule.Factor(0, 101, 10), 12);
        Assert.InRange(Enumerable.Range(0, 101).Max(s => schedule.Factor(s, 101, 10)), 0.999, 1.0);
        Assert.InRange(Enumerable.Range(0, 101).MaxBy(s => schedule.Factor(s, 101, 10)), 28, 31);
        Assert.Equal(1 / 25.0 / 1e4, schedule.Factor(100, 101, 10), 12);
    }

    [Fact]
    public void Warm_up_rises_linearly_then_hands_over_to_the_main_schedule()
    {
        var schedule = LearningRateSchedule.Cosine().WithWarmup(epochs: 1, startFactor: 0.2);

        Assert.Equal(0.2, schedule.Factor(0, 50, 10), 12);
        Assert.Equal(0.6, schedule.Factor(5, 50, 10), 12);
        Assert.Equal(1.0, schedule.Factor(10, 50, 10), 12);
        Assert.Equal(0.0, schedule.Factor(49, 50, 10), 12);
        Assert.True(schedule.Factor(30, 50, 10) < schedule.Factor(20, 50, 10));
    }

    [Fact]
    public void Warm_up_composes_with_step_decay_counting_from_its_end()
    {
        var schedule = LearningRateSchedule.Step(everyEpochs: 1, gamma: 0.5).WithWarmup(epochs: 0.5);

        Assert.Equal(0.1, schedule.Factor(0, 40, 10), 12);
        Assert.Equal(1.0, schedule.Factor(5, 40, 10), 12);
        Assert.Equal(0.5, schedule.Factor(15, 40, 10), 12);
    }

    [Fact]
    public void Constant_is_always_one()
    {
        Assert.All(Enumerable.Range(0, 20), s => Assert.Equal(1.0, LearningRateSchedule.Constant.Factor(s, 20, 5)));
    }

    [Theory]
    [InlineData(ScheduleKind.Constant, typeof(ConstantSchedule))]
    [InlineData(ScheduleKind.Cosine, typeof(CosineSchedule))]
    [InlineData(ScheduleKind.WarmupCosine, typeof(WarmupSchedule))]
    [InlineData(ScheduleKind.OneCycle, typeof(OneCycleSchedule))]
    public void Each_schedule_kind_names_its_schedule(ScheduleKind kind, Type expected)
    {
        var schedule = LearningRateSchedule.For(kind);
        Assert.IsType(expected, schedule);
        schedule.Validate();
    }

    [Fact]
    public void An_undefined_schedule_kind_is_rejected_with_the_choices()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.For((ScheduleKind)42));
        Assert.Contains("Constant, Cosine, WarmupCosine, OneCycle", error.Message);
    }
}
