using System.Globalization;
using System.Text.Json;
using Dsl.Search;
using Dsl.Search.Sampling;
using Dsl.Search.Trials;
using static Dsl.Runtime.Tests.Search.StudySimulator;

namespace Dsl.Runtime.Tests.Search;

public class SamplerContractTests
{
    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void Same_seed_gives_the_same_study(string sampler)
    {
        var first = Run(Create(sampler, 7), MixedSpace, MixedObjective, 30);
        var second = Run(Create(sampler, 7), MixedSpace, MixedObjective, 30);

        for (var i = 0; i < first.Count; i++)
            Assert.Equal(first[i].Parameters, second[i].Parameters);
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void Different_seeds_give_different_studies(string sampler)
    {
        var first = Run(Create(sampler, 1), MixedSpace, MixedObjective, 12);
        var second = Run(Create(sampler, 2), MixedSpace, MixedObjective, 12);

        Assert.NotEqual(first.Select(t => t.Parameters["rate"]), second.Select(t => t.Parameters["rate"]));
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void Values_have_the_declared_type_and_stay_in_range_on_the_step_grid(string sampler)
    {
        var history = Run(Create(sampler, 3), MixedSpace, MixedObjective, 60);

        foreach (var trial in history)
        {
            foreach (var (name, value) in trial.Parameters)
            {
                var spec = MixedSpace[name];
                spec.Validate(value);
                switch (spec)
                {
                    case FloatParameter f:
                        var x = Assert.IsType<double>(value);
                        if (f.Step > 0)
                        {
                            var k = (x - f.Low) / f.Step;
                            Assert.True(Math.Abs(k - Math.Round(k)) < 1e-9, $"{name} = {x} is off its step grid");
                        }
                        break;
                    case IntParameter i:
                        var n = Assert.IsType<long>(value);
                        Assert.Equal(0, (n - i.Low) % i.Step);
                        break;
                    case CategoricalParameter c:
                        Assert.Contains(value, c.Choices);
                        Assert.Equal(c.Choices[0].GetType(), value.GetType());
                        break;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void Conditional_parameters_are_present_exactly_when_active(string sampler)
    {
        var history = Run(Create(sampler, 5), MixedSpace, MixedObjective, 60);

        foreach (var trial in history)
        {
            var sgd = (string)trial.Parameters["optimizer"] == "sgd";
            Assert.Equal(sgd, trial.Parameters.ContainsKey("momentum"));
            Assert.Equal(sgd, trial.Parameters.ContainsKey("warmup"));
            Assert.Equal(MixedSpace.Count - (sgd ? 0 : 2), trial.Parameters.Count);
        }
        Assert.Contains(history, t => t.Parameters.ContainsKey("momentum"));
        Assert.Contains(history, t => !t.Parameters.ContainsKey("momentum"));
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void Fixed_values_are_kept_and_the_rest_is_chosen(string sampler)
    {
        var instance = Create(sampler, 11);
        var history = Run(instance, MixedSpace, MixedObjective, 20);
        var pinned = new Dictionary<string, object> { ["optimizer"] = "sgd", ["momentum"] = 0.95, ["layers"] = 4 };

        var assignment = instance.Sample(MixedSpace, history, StudyDirection.Minimize, pinned);

        Assert.Equal("sgd", assignment["optimizer"]);
        Assert.Equal(0.95, assignment["momentum"]);
        Assert.Equal(4L, assignment["layers"]);
        Assert.True(assignment.ContainsKey("warmup"));
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void A_fixed_value_that_deactivates_a_parameter_removes_it(string sampler)
    {
        var pinned = new Dictionary<string, object> { ["optimizer"] = "adam", ["momentum"] = 0.9 };

        var assignment = Create(sampler, 1).Sample(MixedSpace, [], StudyDirection.Minimize, pinned);

        Assert.False(assignment.ContainsKey("momentum"));
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void Unknown_or_invalid_fixed_values_are_rejected(string sampler)
    {
        var instance = Create(sampler, 1);

        Assert.Throws<ArgumentException>(() => instance.Sample(MixedSpace, [], StudyDirection.Minimize, new Dictionary<string, object> { ["nope"] = 1 }));
        Assert.Throws<ArgumentException>(() => instance.Sample(MixedSpace, [], StudyDirection.Minimize, new Dictionary<string, object> { ["layers"] = 99L }));
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void History_read_back_from_storage_as_json_is_understood(string sampler)
    {
        var original = Run(Create(sampler, 4), MixedSpace, MixedObjective, 25);
        var stored = original.Select(t => t with
        {
            Parameters = JsonSerializer.Deserialize<Dictionary<string, object>>(
                JsonSerializer.Serialize(t.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value is Color c ? c.ToString() : kv.Value)))!,
        }).ToList();

        var fromMemory = Create(sampler, 9).Sample(MixedSpace, original, StudyDirection.Minimize);
        var fromStorage = Create(sampler, 9).Sample(MixedSpace, stored, StudyDirection.Minimize);

        Assert.Equal(fromMemory, fromStorage);
    }

    [Theory]
    [MemberData(nameof(SeededSamplers), MemberType = typeof(StudySimulator))]
    public void Samplers_can_be_called_from_many_threads_at_once(string sampler)
    {
        // Safe to call from several threads means: every call still returns a whole, valid assignment, and the calls
        // together return what as many calls one after another would have: none lost, repeated or mixed up by a race.
        var history = Run(new RandomSampler(0), MixedSpace, MixedObjective, 20);
        const int calls = 32;
        var sequential = new IReadOnlyDictionary<string, object>[calls];
        var one = Create(sampler, 1);
        for (var i = 0; i < calls; i++)
            sequential[i] = one.Sample(MixedSpace, history, StudyDirection.Minimize);

        var shared = Create(sampler, 1);
        var concurrent = new IReadOnlyDictionary<string, object>?[calls];
        using var start = new Barrier(4);
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            start.SignalAndWait();
            for (var i = worker; i < calls; i += 4)
                concurrent[i] = shared.Sample(MixedSpace, history, StudyDirection.Minimize);
        });

        foreach (var assignment in concurrent)
            AssertWholeAndValid(assignment!);
        Assert.Equal(sequential.Select(Describe).Order(StringComparer.Ordinal), concurrent.Select(Describe).Order(StringComparer.Ordinal));
        Assert.Equal(calls, concurrent.Select(Describe).Distinct().Count());
    }

    /// <summary>Every active parameter present with a valid value, and nothing else.</summary>
    private static void AssertWholeAndValid(IReadOnlyDictionary<string, object> assignment)
    {
        foreach (var spec in MixedSpace)
        {
            if (SearchSpace.IsActive(spec, assignment))
                spec.Validate(Assert.Contains(spec.Name, assignment));
            else
                Assert.DoesNotContain(spec.Name, assignment.Keys);
        }
        Assert.All(assignment.Keys, name => Assert.True(MixedSpace.Contains(name), $"'{name}' is not in the space."));
    }

    private static string Describe(IReadOnlyDictionary<string, object>? assignment) =>
        string.Join(";", assignment!.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}")));

    [Fact]
    public void A_resumed_random_study_does_not_replay_its_first_proposals()
    {
        var first = Run(new RandomSampler(5), MixedSpace, MixedObjective, 10);

        var resumed = new RandomSampler(5).Sample(MixedSpace, first, StudyDirection.Minimize);

        Assert.DoesNotContain(first, t => t.Parameters["rate"].Equals(resumed["rate"]));
    }
}
