using System.Collections.Concurrent;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.Relational;
using Dsl.Studies.Sqlite;
using Microsoft.Data.Sqlite;
using static Dsl.Runtime.Tests.Studies.StudyTestKit;

namespace Dsl.Runtime.Tests.Studies;

public sealed class SqliteStudyStorageTests : StudyStorageContract
{
    // Above Linux's largest pid_max (2^22), so no process can have it.
    private const int DeadPid = 4_194_304 + 17;

    private readonly TempStudyFile file = new();

    protected override IStudyStorage CreateStore() => Open();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        file.Dispose();
    }

    [Fact]
    public async Task Two_stores_on_one_file_never_collide()
    {
        await using var other = Open();
        await Store.CreateOrOpenStudyAsync(Study());
        await other.CreateOrOpenStudyAsync(Study());
        var numbers = new ConcurrentBag<int>();

        // Two stores share nothing in memory, as two processes would not: only SQLite's locks keep them apart.
        var claimers = new[] { Store, other }.SelectMany((store, s) => Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var claim = await store.ClaimTrialAsync("study", $"s{s}w{w}", Sampler);
                numbers.Add(claim.Number);
                await store.FinishTrialAsync("study", claim.Number, TrialResult.Complete(i));
            }
        })));
        await Task.WhenAll(claimers);

        Assert.Equal(Enumerable.Range(0, 200), numbers.Order());
        Assert.Equal(200, (await other.GetTrialsAsync("study")).Count(t => t.State == TrialState.Complete));
    }

    [Fact]
    public async Task A_reopened_file_resumes_with_its_trials()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.EnqueueTrialAsync("study", new Dictionary<string, object> { ["Shape"] = Shape.Square, ["Momentum"] = 0.6 });
        for (var i = 0; i < 3; i++)
        {
            var claim = await Store.ClaimTrialAsync("study", "w", Sampler);
            await Store.ReportIntermediateValueAsync("study", claim.Number, 0, i / 10.0);
            await Store.FinishTrialAsync("study", claim.Number, TrialResult.Complete(i));
        }
        var before = await Store.GetTrialsAsync("study");
        await Store.DisposeAsync();

        await using var reopened = Open();
        var info = await reopened.CreateOrOpenStudyAsync(Study());
        var after = await reopened.GetTrialsAsync("study");

        Assert.False(info.Created);
        Assert.Equal(3, after.Count(t => t.State == TrialState.Complete));
        Assert.Equal(before.Select(Describe), after.Select(Describe));
        Assert.Equal(Shape.Square, after[0].Parameters["Shape"]);
        Assert.Equal(3, (await reopened.ClaimTrialAsync("study", "w", Sampler)).Number);
    }

    [Fact]
    public async Task A_rerun_after_kill_fails_the_dead_process_trial_at_once_and_retries_it()
    {
        var crashed = Open(new WorkerProcess(Environment.MachineName, DeadPid, Time.GetUtcNow().AddHours(-1)));
        await crashed.CreateOrOpenStudyAsync(Study());
        await crashed.ClaimTrialAsync("study", "crashed", Sampler);
        await crashed.ReportIntermediateValueAsync("study", 0, 0, 0.5);
        await crashed.DisposeAsync(); // the process "dies" without finishing trial 0

        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "live", Sampler); // a live worker of this process, which must survive

        // No time has passed, so no heartbeat has timed out: only the dead process gives the trial away.
        var recovered = Assert.Single(await Store.RecoverStaleTrialsAsync("study", StaleTrialPolicy.Default with { MaxRetries = 2 }));

        Assert.Equal((0, (int?)2), (recovered.Number, recovered.RetriedAs));
        Assert.Contains("interrupted (worker crashed stopped heart-beating at ", recovered.Error);
        Assert.Contains($"its process {DeadPid} on {Environment.MachineName} has exited", recovered.Error);
        var trials = await Store.GetTrialsAsync("study");
        Assert.Equal([TrialState.Failed, TrialState.Running, TrialState.Waiting], trials.Select(t => t.State));
        Assert.Equal(0.5, trials[0].IntermediateValues[0]);
        Assert.Equal(trials[0].Parameters, (await Store.ClaimTrialAsync("study", "live", Sampler)).Parameters);
    }

    [Fact]
    public async Task Every_change_is_committed_before_the_call_returns()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.ReportIntermediateValueAsync("study", 0, 4, 0.25);

        // A separate connection stands in for the next process after a kill -9: it sees what the store committed.
        using var connection = Connect();
        Assert.Equal("running", Scalar(connection, "SELECT state FROM trials WHERE number = 0"));
        Assert.Equal(0.25, Scalar(connection, "SELECT value FROM trial_values WHERE step = 4"));
    }

    [Fact]
    public async Task The_file_is_versioned_in_wal_mode_with_typed_json_parameters_and_utc_times()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", (_, _) => new Dictionary<string, object>
        {
            ["LearningRate"] = 0.01, ["Hidden"] = 64, ["Shape"] = Shape.Square, ["Momentum"] = 0.5,
        });

        using var connection = Connect();
        Assert.Equal((long)SqliteSchema.Migrations.Count, Scalar(connection, "SELECT MAX(version) FROM schema_version"));
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        var parameters = new Dictionary<string, (string, string)>();
        using (var command = new SqliteCommand("SELECT name, kind, value FROM trial_params", connection))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                parameters[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));
        Assert.Equal(("float", "0.01"), parameters["LearningRate"]);
        Assert.Equal(("int", "64"), parameters["Hidden"]);
        Assert.Equal(("enum", "\"Square\""), parameters["Shape"]);
        Assert.Equal(("float", "0.5"), parameters["Momentum"]);
        Assert.Equal("2025-03-01T12:00:00.0000000Z", Scalar(connection, "SELECT started_at FROM trials"));
    }

    [Fact]
    public async Task Without_the_space_enum_values_come_back_as_their_names()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.ClaimTrialAsync("study", "w", Sampler);

        await using var viewer = Open(); // a `show` command: it reads, and never opened the study with its space
        var trials = await viewer.GetTrialsAsync("study");

        Assert.Equal(new Dictionary<string, object> { ["LearningRate"] = 0.002, ["Hidden"] = 17L, ["Shape"] = "Square", ["Momentum"] = 0.9 },
            trials[1].Parameters);
    }

    [Fact]
    public async Task A_file_that_is_not_sqlite_is_a_clear_error_naming_it()
    {
        await File.WriteAllTextAsync(file.Path, "these are not the bytes of a SQLite database, though there are enough of them to look like a header......");

        var error = await Assert.ThrowsAsync<StudyStorageException>(() => Store.CreateOrOpenStudyAsync(Study()));

        Assert.Contains(file.Path, error.Message);
        Assert.Contains("is not a Dsl study store, or is damaged", error.Message);
    }

    [Fact]
    public async Task Another_application_s_database_is_refused()
    {
        using (var connection = Connect())
        using (var command = new SqliteCommand("CREATE TABLE invoices (id INTEGER)", connection))
            command.ExecuteNonQuery();

        var error = await Assert.ThrowsAsync<StudyStorageException>(() => Store.GetStudiesAsync());

        Assert.Contains($"'{file.Path}' is a SQLite database but not a Dsl study store: it has tables (invoices)", error.Message);
    }

    [Fact]
    public async Task A_store_from_a_newer_version_is_refused()
    {
        await Store.GetStudiesAsync();
        using (var connection = Connect())
        using (var command = new SqliteCommand("INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')", connection))
            command.ExecuteNonQuery();

        await using var older = Open();
        var error = await Assert.ThrowsAsync<StudyStorageException>(() => older.GetStudiesAsync());

        Assert.Contains("schema version 99", error.Message);
        Assert.Contains(file.Path, error.Message);
    }

    [Fact]
    public async Task A_missing_folder_is_a_clear_error()
    {
        await using var storage = StudyStorage.Sqlite(Path.Combine(Path.GetTempPath(), $"dsl-missing-{Guid.NewGuid():N}", "study.db"));

        var error = await Assert.ThrowsAsync<StudyStorageException>(() => storage.GetStudiesAsync());

        Assert.Contains("Cannot open or create the study store", error.Message);
    }

    [Fact]
    public async Task Reads_load_only_running_trials_and_finished_ones_that_changed()
    {
        await Store.CreateOrOpenStudyAsync(Study());
        for (var i = 0; i < 5; i++)
        {
            await Store.ClaimTrialAsync("study", "w", Sampler);
            await Store.FinishTrialAsync("study", i, TrialResult.Complete(i));
        }
        await Store.ClaimTrialAsync("study", "w", Sampler); // trial 5 keeps running
        var statistics = ((RelationalStudyStorage)Store).Statistics;
        await Store.GetTrialsAsync("study");

        var loaded = statistics.TrialsLoaded;
        await Store.ReportIntermediateValueAsync("study", 5, 1, 0.25);
        var again = await Store.GetTrialsAsync("study");
        Assert.Equal(1, statistics.TrialsLoaded - loaded); // the running trial only
        Assert.Equal(0.25, again[5].IntermediateValues[1]);

        loaded = statistics.TrialsLoaded;
        await Store.SetTrialAttributeAsync("study", 2, "note", "changed");
        var best = await Store.GetBestTrialAsync("study");
        var after = await Store.GetTrialsAsync("study");
        Assert.Equal(4, best!.Number);
        Assert.Equal(2, statistics.TrialsLoaded - loaded); // trial 2, which changed, and trial 5, which runs
        Assert.Equal("changed", after[2].Attributes["note"]);
        Assert.Same(again[0], after[0]);
    }

    [Fact]
    public async Task A_finished_trial_changed_by_another_process_is_read_again()
    {
        await using var other = Open(); // shares nothing in memory with Store, as another process would not
        await Store.CreateOrOpenStudyAsync(Study());
        await Store.ClaimTrialAsync("study", "w", Sampler);
        await Store.FinishTrialAsync("study", 0, TrialResult.Complete(0.5) with { Attributes = new Dictionary<string, string> { ["checkpoint"] = "a.pt" } });
        Assert.Equal("a.pt", (await Store.GetTrialsAsync("study"))[0].Attributes["checkpoint"]);

        await other.SetTrialAttributeAsync("study", 0, "checkpoint", "b.pt");
        Assert.Equal("b.pt", (await Store.GetTrialsAsync("study"))[0].Attributes["checkpoint"]);
        Assert.Equal("b.pt", (await Store.GetBestTrialAsync("study"))!.Attributes["checkpoint"]);

        await other.SetTrialAttributeAsync("study", 0, "checkpoint", null);
        Assert.False((await Store.GetTrialsAsync("study"))[0].Attributes.ContainsKey("checkpoint"));
    }

    [Fact]
    public async Task A_version_1_file_is_upgraded_in_place_and_keeps_its_trials()
    {
        using (var connection = Connect())
        {
            Execute(connection, SqliteSchema.Migrations[0]);
            Execute(connection, """
                INSERT INTO schema_version VALUES (1, '2025-01-01T00:00:00.0000000Z');
                INSERT INTO studies VALUES (1, 'study', 'maximize', '', '', '2025-01-01T00:00:00.0000000Z');
                INSERT INTO trials (trial_id, study_id, number, state, value, created_at) VALUES (7, 1, 0, 'complete', 0.75, '2025-01-01T00:00:00.0000000Z');
                INSERT INTO trial_params VALUES (7, 'Hidden', 'int', '32');
                INSERT INTO trial_attributes VALUES (7, 'checkpoint', 'old.pt');
                """);
        }

        var trial = Assert.Single(await Store.GetTrialsAsync("study"));
        await Store.SetTrialAttributeAsync("study", 0, "checkpoint", "new.pt");
        await Store.SetStudyAttributeAsync("study", "fusion:soup", "{}");

        Assert.Equal("{}", (await Store.GetStudyAttributesAsync("study"))["fusion:soup"]);
        Assert.Equal((0.75, 32L, "old.pt"), (trial.Value!.Value, trial.Parameters["Hidden"], trial.Attributes["checkpoint"]));
        Assert.Equal("new.pt", (await Store.GetTrialsAsync("study"))[0].Attributes["checkpoint"]);
        using var check = Connect();
        Assert.Equal((long)SqliteSchema.Migrations.Count, Scalar(check, "SELECT MAX(version) FROM schema_version"));
        Assert.Equal(1L, Scalar(check, "SELECT revision FROM trials"));
    }

    private IStudyStorage Open(WorkerProcess? process = null) =>
        StudyStorage.Sqlite(file.Path, new SqliteStudyStorageOptions { Time = Time, Process = process ?? WorkerProcess.Current });

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file.Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return command.ExecuteScalar();
    }

    private static string Describe(TrialRecord trial) =>
        $"{trial.Number} {trial.State} {trial.Value} {string.Join(",", trial.Parameters.Select(p => $"{p.Key}={p.Value}"))} "
        + $"{string.Join(",", trial.IntermediateValues)} {trial.StartedAt:O} {trial.FinishedAt:O}";
}
