using System.Collections.Concurrent;
using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;
using static Dsl.Runtime.Tests.Studies.StudyTestKit;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>What every <see cref="IStudyStorage"/> must do; each store runs these through a subclass.</summary>
public abstract class StudyStorageContract : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    internal ManualTime Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected IStudyStorage Store { get; private set; } = null!;

    /// <summary>A new store over the same data the test's <see cref="Store"/> uses (the same file, for SQLite).</summary>
    protected abstract IStudyStorage CreateStore();

    public virtual Task InitializeAsync()
    {
        Store = CreateStore();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task Claim_report_and_complete_record_the_whole_trial()
    {
        var info = await Store.CreateOrOpenStudyAsync(Study());
        Assert.True(info.Created);
        Assert.NotEmpty(info.SpaceFingerprint);

        var claim = await Store.ClaimTrialAsync("study", "w1", Sampler);
        Assert.Equal(0, claim.Number);
        Assert.False(claim.Enqueued);
        Assert.Equal(Time.GetUtcNow(), claim.StartedAt);

        await Store.ReportIntermediateValueAsync("study", 0, 0, 0.5);
        await Store.ReportIntermediateValueAsync("study", 0, 1, 0.7);
        await Store.ReportIntermediateValueAsync("study", 0, 1, 0.75); // a repeated step replaces its value
        await Store.SetTrialAttributeAsync("study", 0, "checkpoint", "runs/0.pt");
        Time.Advance(TimeSpan.FromSeconds(30));
        await Store.FinishTrialAsync("study", 0, TrialResult.Complete(0.8));

        var trial = Assert.Single(await Store.GetTrialsAsync("study"));
        Assert.Equal(TrialState.Complete, trial.State);
        Assert.True(trial.IsFinished);
        Assert.Equal(0.8, trial.Value);
        Assert.Equal(new Dictionary<int, double> { [0] = 0.5, [1] = 0.75 }, trial.IntermediateValues);
        Assert.Equal(Sample(0, []), trial.Parameters);
        Assert.Equal(claim.StartedAt, trial.StartedAt);
        Assert.Equal(claim.StartedAt + TimeSpan.FromSeconds(30), trial.FinishedAt);
        Assert.Equal("runs/0.pt", trial.Attributes["checkpoint"]);
        Assert.Equal("w1", trial.Attributes[TrialAttributeKeys.Worker]);
        Assert.Equal("w1", trial.WorkerId);
        Assert.Null(trial.RetryOf);
        Assert.Null(trial.Error);
    }

    [Fact]
    public async Task Pruned_trials_keep_their_last_value_and_failed_ones_their_error()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.ReportIntermediateValueAsync("study", 0, 0, 0.3);
        await Store.ReportIntermediateValueAsync("study", 0, 1, 0.4);

        await Store.FinishTrialAsync("study", 0, TrialResult.Pruned());
        await Store.FinishTrialAsync("study", 1, TrialResult.Failed(new InvalidOperationException("loss is NaN")));

        var trials = await Store.GetTrialsAsync("study");
        Assert.Equal((TrialState.Pruned, 0.4), (trials[0].State, trials[0].Value));
        Assert.Equal(TrialState.Failed, trials[1].State);
        Assert.Null(trials[1].Value);
        Assert.Equal("InvalidOperationException: loss is NaN", trials[1].Error);
    }

    [Fact]
    public async Task Finishing_records_the_final_attributes_with_the_state()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.SetTrialAttributeAsync("study", 0, "outcome", "running");

        await Store.FinishTrialAsync("study", 0, TrialResult.Complete(0.5) with
        {
            Attributes = new Dictionary<string, string> { ["outcome"] = "Completed", ["checkpoint"] = "trials/0/model.pt" },
        });
        await Assert.ThrowsAsync<ArgumentException>(() => Store.FinishTrialAsync("study", 1, TrialResult.Failed("x") with
        {
            Attributes = new Dictionary<string, string> { [TrialAttributeKeys.Worker] = "me" },
        }));

        var trials = await Store.GetTrialsAsync("study");
        Assert.Equal((TrialState.Complete, 0.5), (trials[0].State, trials[0].Value!.Value));
        Assert.Equal("Completed", trials[0].Attributes["outcome"]);
        Assert.Equal("trials/0/model.pt", trials[0].Attributes["checkpoint"]);
        // A refused result changes nothing: the trial still runs, without the attribute.
        Assert.Equal(TrialState.Running, trials[1].State);
        Assert.Equal("w", trials[1].Attributes[TrialAttributeKeys.Worker]);
    }

    [Fact]
    public async Task A_null_attribute_value_removes_the_attribute_of_a_finished_trial()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.FinishTrialAsync("study", 0, TrialResult.Complete(1) with { Attributes = new Dictionary<string, string> { ["checkpoint"] = "a.pt" } });
        Assert.Equal("a.pt", (await Store.GetTrialsAsync("study"))[0].Attributes["checkpoint"]);

        await Store.SetTrialAttributeAsync("study", 0, "checkpoint", null);
        await Store.SetTrialAttributeAsync("study", 0, "never-set", null);

        var trial = Assert.Single(await Store.GetTrialsAsync("study"));
        Assert.False(trial.Attributes.ContainsKey("checkpoint"));
        Assert.Equal(trial.Attributes, (await Store.GetBestTrialAsync("study"))!.Attributes);
    }

    [Fact]
    public async Task Study_attributes_are_set_replaced_and_removed_per_study()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.CreateOrOpenStudyAsync(Study("other"));
        Assert.Empty(await Store.GetStudyAttributesAsync("study"));

        await Store.SetStudyAttributeAsync("study", "fusion:soup", "{\"accuracy\":0.9}");
        await Store.SetStudyAttributeAsync("study", "fusion:ensemble", "first");
        await Store.SetStudyAttributeAsync("study", "fusion:ensemble", "second");
        await Store.SetStudyAttributeAsync("other", "note", "ünïcödé ✓");
        await Store.SetStudyAttributeAsync("study", "never-set", null);

        Assert.Equal(["fusion:ensemble", "fusion:soup"], (await Store.GetStudyAttributesAsync("study")).Keys);
        Assert.Equal("second", (await Store.GetStudyAttributesAsync("study"))["fusion:ensemble"]);
        Assert.Equal("ünïcödé ✓", (await Store.GetStudyAttributesAsync("other"))["note"]);

        await Store.SetStudyAttributeAsync("study", "fusion:soup", null);
        Assert.Equal(["fusion:ensemble"], (await Store.GetStudyAttributesAsync("study")).Keys);
        await Assert.ThrowsAsync<StudyStorageException>(() => Store.SetStudyAttributeAsync("missing", "k", "v"));
        await Assert.ThrowsAsync<StudyStorageException>(() => Store.GetStudyAttributesAsync("missing"));
    }

    [Fact]
    public async Task Enqueued_trials_are_claimed_first_in_order_without_sampling()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        var first = await Store.EnqueueTrialAsync("study", new Dictionary<string, object> { ["Hidden"] = 128, ["Shape"] = "Square" });
        var second = await Store.EnqueueTrialAsync("study", new Dictionary<string, object> { ["LearningRate"] = 0.01 });
        Assert.Equal((0, 1), (first, second));

        var sampled = 0;
        TrialSampler counting = (number, history) =>
        {
            sampled++;
            return Sample(number, history);
        };
        var a = await Store.ClaimTrialAsync("study", "w", counting);
        var b = await Store.ClaimTrialAsync("study", "w", counting);
        Assert.Equal(0, sampled);
        Assert.True(a.Enqueued && b.Enqueued);
        Assert.Equal(0, a.Number);
        // Values take the space's types: an int becomes a long, an enum's name becomes the enum.
        Assert.Equal(new Dictionary<string, object> { ["Hidden"] = 128L, ["Shape"] = Shape.Square }, a.Parameters);
        Assert.Equal(new Dictionary<string, object> { ["LearningRate"] = 0.01 }, b.Parameters);

        var c = await Store.ClaimTrialAsync("study", "w", counting);
        Assert.Equal((2, false, 1), (c.Number, c.Enqueued, sampled));
    }

    [Fact]
    public async Task Sampler_sees_every_other_trial_running_ones_included()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.FinishTrialAsync("study", 0, TrialResult.Complete(1));
        await Store.ClaimTrialAsync("study", "w", Sampler); // left running

        IReadOnlyList<TrialRecord>? seen = null;
        var claim = await Store.ClaimTrialAsync("study", "w", (number, history) =>
        {
            seen = history;
            return Sample(number, history);
        });

        Assert.Equal(2, claim.Number);
        Assert.NotNull(seen);
        Assert.Equal([TrialState.Complete, TrialState.Running], seen.Select(t => t.State));
        Assert.Equal(Sample(1, []), seen[1].Parameters);
        Assert.Equal(Shape.Square, seen[1].Parameters["Shape"]);
    }

    [Fact]
    public async Task Parallel_claimers_get_unique_dense_numbers()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        var numbers = new ConcurrentBag<int>();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var claim = await Store.ClaimTrialAsync("study", $"w{w}", Sampler);
                numbers.Add(claim.Number);
                await Store.ReportIntermediateValueAsync("study", claim.Number, 0, claim.Number);
                await Store.FinishTrialAsync("study", claim.Number, TrialResult.Complete(claim.Number));
            }
        }));
        await Task.WhenAll(workers);

        Assert.Equal(Enumerable.Range(0, 400), numbers.Order());
        var trials = await Store.GetTrialsAsync("study");
        Assert.Equal(Enumerable.Range(0, 400), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal((TrialState.Complete, (double)t.Number), (t.State, t.Value!.Value)));
        // Each trial got the parameters sampled for its own number: the sampler ran inside the claim.
        Assert.All(trials, t => Assert.Equal(Sample(t.Number, []), t.Parameters));
    }

    [Fact]
    public async Task Only_running_trials_take_reports_and_results()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.FinishTrialAsync("study", 0, TrialResult.Complete(1));

        var twice = await Assert.ThrowsAsync<TrialStateException>(() => Store.FinishTrialAsync("study", 0, TrialResult.Complete(2)));
        Assert.Equal((0, TrialState.Complete), (twice.Trial, twice.State));
        await Assert.ThrowsAsync<TrialStateException>(() => Store.ReportIntermediateValueAsync("study", 0, 3, 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReportIntermediateValueAsync("study", 0, 0, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrialResult.Complete(double.PositiveInfinity));
        await Assert.ThrowsAsync<StudyStorageException>(() => Store.FinishTrialAsync("study", 7, TrialResult.Complete(1)));

        // Attributes may still be added to a finished trial, but not under the store's own keys.
        await Store.SetTrialAttributeAsync("study", 0, "note", "kept");
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SetTrialAttributeAsync("study", 0, TrialAttributeKeys.Worker, "me"));
    }

    [Fact]
    public async Task Silent_workers_lose_their_trials_which_are_retried_up_to_the_limit()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        var stopped = Time.GetUtcNow();
        await Store.ClaimTrialAsync("study", "dead", Sampler);
        await Store.ReportIntermediateValueAsync("study", 0, 0, 0.1);
        await Store.ClaimTrialAsync("study", "alive", Sampler);
        var policy = new StaleTrialPolicy { HeartbeatTimeout = TimeSpan.FromMinutes(1), MaxRetries = 1 };

        Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Empty(await Store.RecoverStaleTrialsAsync("study", policy));

        Time.Advance(TimeSpan.FromSeconds(20));
        await Store.HeartbeatAsync("alive");
        var recovered = Assert.Single(await Store.RecoverStaleTrialsAsync("study", policy));
        Assert.Equal((0, 2), (recovered.Number, recovered.RetriedAs));
        Assert.Equal($"interrupted (worker dead stopped heart-beating at {stopped.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'})", recovered.Error);

        var trials = await Store.GetTrialsAsync("study");
        Assert.Equal([TrialState.Failed, TrialState.Running, TrialState.Waiting], trials.Select(t => t.State));
        Assert.Equal(recovered.Error, trials[0].Error);
        Assert.Equal(trials[0].Parameters, trials[2].Parameters);
        Assert.Equal("0", trials[2].Attributes[TrialAttributeKeys.RetryOf]);
        Assert.Equal(0, trials[2].RetryOf);
        Assert.Equal(("alive", (DateTimeOffset?)Time.GetUtcNow()), (trials[1].WorkerId, trials[1].HeartbeatAt));
        await Assert.ThrowsAsync<TrialStateException>(() => Store.FinishTrialAsync("study", 0, TrialResult.Complete(1)));

        var retry = await Store.ClaimTrialAsync("study", "dead-again", Sampler);
        Assert.Equal((2, true, (int?)0), (retry.Number, retry.Enqueued, retry.RetryOf));
        Assert.Equal(trials[0].Parameters, retry.Parameters);

        // The retry dies too: with one retry allowed, it is failed and not enqueued again.
        Time.Advance(TimeSpan.FromMinutes(2));
        await Store.HeartbeatAsync("alive");
        var again = Assert.Single(await Store.RecoverStaleTrialsAsync("study", policy));
        Assert.Equal((2, (int?)null), (again.Number, again.RetriedAs));
        Assert.Equal(3, (await Store.GetTrialsAsync("study")).Count);
    }

    [Fact]
    public async Task A_sole_worker_fails_every_running_trial_it_finds()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "previous", Sampler);
        await Store.ClaimTrialAsync("study", "previous", Sampler);
        await Store.FinishTrialAsync("study", 1, TrialResult.Complete(1));

        var recovered = await Store.RecoverStaleTrialsAsync("study", new StaleTrialPolicy { TreatAllRunningAsStale = true });

        Assert.Equal([0], recovered.Select(r => r.Number));
        Assert.StartsWith("interrupted (worker previous stopped heart-beating at ", recovered[0].Error);
        Assert.Equal([TrialState.Failed, TrialState.Complete], (await Store.GetTrialsAsync("study")).Select(t => t.State));
    }

    [Fact]
    public async Task Concurrent_recoveries_recover_each_trial_once()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        for (var i = 0; i < 5; i++)
            await Store.ClaimTrialAsync("study", "dead", Sampler);
        Time.Advance(Timeout + TimeSpan.FromSeconds(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => Store.RecoverStaleTrialsAsync("study", new StaleTrialPolicy { HeartbeatTimeout = Timeout, MaxRetries = 3 }))));

        Assert.Equal(Enumerable.Range(0, 5), results.SelectMany(r => r).Select(r => r.Number).Order());
        var trials = await Store.GetTrialsAsync("study");
        Assert.Equal(10, trials.Count);
        Assert.Equal(5, trials.Count(t => t.State == TrialState.Waiting));
    }

    [Fact]
    public async Task Reopening_with_another_direction_is_a_clear_error()
    {
        await Store.CreateOrOpenStudyAsync(Study(direction: StudyDirection.Maximize));

        var error = await Assert.ThrowsAsync<StudyMismatchException>(() => Store.CreateOrOpenStudyAsync(Study(direction: StudyDirection.Minimize)));

        Assert.Contains("'study'", error.Message);
        Assert.Contains("created to maximize, but this run asks to minimize", error.Message);
    }

    [Fact]
    public async Task Reopening_with_an_incompatible_space_names_what_changed()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        var changed = new SearchSpace(
        [
            new FloatParameter("LearningRate", 1e-4, 1e-1, 1e-3, Log: true),
            new IntParameter("Hidden", 32, 256, 64),
            new CategoricalParameter("Shape", [Shape.Circle, Shape.Square], 0),
            new IntParameter("Layers", 1, 4, 2),
        ]);

        var error = await Assert.ThrowsAsync<StudyMismatchException>(() =>
            Store.CreateOrOpenStudyAsync(new StudyDefinition("study", StudyDirection.Maximize, changed)));

        Assert.Contains("different search space", error.Message);
        Assert.Contains("'Hidden' changed from int [16, 256] to int [32, 256]", error.Message);
        Assert.Contains("'Momentum' (float [0.5, 0.99] when Shape in {Square}) was removed", error.Message);
        Assert.Contains("'Layers' (int [1, 4]) was added", error.Message);
    }

    [Fact]
    public async Task Reopening_with_new_defaults_or_another_order_is_compatible()
    {
        var first = await Store.CreateOrOpenStudyAsync(Study());
        var reordered = new SearchSpace(
        [
            new CategoricalParameter("Shape", [Shape.Circle, Shape.Square], 1),
            new IntParameter("Hidden", 16, 256, 128),
            new FloatParameter("LearningRate", 1e-4, 1e-1, 1e-2, Log: true),
            new FloatParameter("Momentum", 0.5, 0.99, 0.95) { Condition = new ParameterCondition("Shape", [Shape.Square]) },
        ]);

        var again = await Store.CreateOrOpenStudyAsync(new StudyDefinition("study", StudyDirection.Maximize, reordered));
        var unchecked_ = await Store.CreateOrOpenStudyAsync(new StudyDefinition("study", StudyDirection.Maximize));

        Assert.False(again.Created);
        Assert.Equal(first.SpaceFingerprint, again.SpaceFingerprint);
        Assert.Equal(first.CreatedAt, unchecked_.CreatedAt);
    }

    [Fact]
    public async Task A_study_created_without_a_space_takes_the_first_one_declared()
    {
        var bare = await Store.CreateOrOpenStudyAsync(new StudyDefinition("study", StudyDirection.Maximize));
        var declared = await Store.CreateOrOpenStudyAsync(Study());
        var narrower = new SearchSpace([new IntParameter("Hidden", 16, 32, 16)]);

        Assert.Equal("", bare.SpaceFingerprint);
        Assert.NotEmpty(declared.SpaceFingerprint);
        await Assert.ThrowsAsync<StudyMismatchException>(() =>
            Store.CreateOrOpenStudyAsync(new StudyDefinition("study", StudyDirection.Maximize, narrower)));
    }

    [Theory]
    [InlineData(StudyDirection.Maximize, 2)]
    [InlineData(StudyDirection.Minimize, 1)]
    public async Task Best_trial_follows_the_direction_and_ignores_pruned_and_failed(StudyDirection direction, int expected)
    {
        await Store.CreateOrOpenStudyAsync(Study(direction: direction));
        Assert.Null(await Store.GetBestTrialAsync("study"));
        double[] values = [0.5, 0.1, 0.9, 0.9];
        for (var i = 0; i < values.Length; i++)
        {
            await Store.ClaimTrialAsync("study", "w", Sampler);
            await Store.FinishTrialAsync("study", i, TrialResult.Complete(values[i]));
        }
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.FinishTrialAsync("study", 4, TrialResult.Pruned(direction == StudyDirection.Maximize ? 5.0 : -5.0));
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.FinishTrialAsync("study", 5, TrialResult.Failed("boom"));

        var best = await Store.GetBestTrialAsync("study");

        Assert.NotNull(best);
        Assert.Equal(expected, best.Number); // 2 and 3 tie on 0.9: the earlier one wins
        Assert.Equal(Sample(expected, []), best.Parameters);
    }

    [Fact]
    public async Task Study_summaries_count_trials_by_state()
    {
        await Store.CreateOrOpenStudyAsync(Study("a"));
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.CreateOrOpenStudyAsync(Study("b", StudyDirection.Minimize));
        await Store.EnqueueTrialAsync("a", new Dictionary<string, object>());
        await Store.ClaimTrialAsync("a", "w", Sampler);
        await Store.ClaimTrialAsync("a", "w", Sampler);
        await Store.ClaimTrialAsync("a", "w", Sampler);
        await Store.FinishTrialAsync("a", 0, TrialResult.Complete(0.25));
        await Store.FinishTrialAsync("a", 1, TrialResult.Complete(0.75));

        var summaries = await Store.GetStudiesAsync();

        Assert.Equal(["a", "b"], summaries.Select(s => s.Name));
        var a = summaries[0];
        Assert.Equal((3, 2, 1, 0), (a.TotalTrials, a.Count(TrialState.Complete), a.Count(TrialState.Running), a.Count(TrialState.Failed)));
        Assert.Equal((1, 0.75), (a.BestTrial!.Value, a.BestValue!.Value));
        Assert.Equal((StudyDirection.Minimize, 0, (int?)null), (summaries[1].Direction, summaries[1].TotalTrials, summaries[1].BestTrial));
    }

    [Fact]
    public async Task Parameters_outside_the_space_are_refused_when_enqueued_or_sampled()
    {
        await Store.CreateOrOpenStudyAsync(Study());

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.EnqueueTrialAsync("study", new Dictionary<string, object> { ["Hiden"] = 32 }));
        Assert.Contains("no parameter 'Hiden'", unknown.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.EnqueueTrialAsync("study", new Dictionary<string, object> { ["Hidden"] = 1000 }));
        var choice = await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.EnqueueTrialAsync("study", new Dictionary<string, object> { ["Shape"] = "Triangle" }));
        Assert.Contains("not one of its choices", choice.Message);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.ClaimTrialAsync("study", "w", (_, _) => new Dictionary<string, object> { ["LearningRate"] = 5.0 }));

        // Nothing half-written: the failed claim left no trial behind.
        Assert.Empty(await Store.GetTrialsAsync("study"));
    }

    [Fact]
    public async Task Unknown_studies_are_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<StudyStorageException>(() => Store.ClaimTrialAsync("nope", "w", Sampler));

        Assert.Contains("No study named 'nope'", error.Message);
    }
}
