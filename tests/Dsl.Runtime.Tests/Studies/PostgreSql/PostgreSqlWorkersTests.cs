using System.Collections.Concurrent;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.PostgreSql;
using Npgsql;
using static Dsl.Runtime.Tests.Studies.StudyTestKit;

namespace Dsl.Runtime.Tests.Studies.PostgreSql;

/// <summary>Many workers on one study through a real server: claims, schema creation, a server restart, pooled connections.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlWorkersTests(PostgreSqlFixture fixture)
{
    [PostgreSqlFact]
    public async Task Concurrent_claims_get_dense_unique_numbers_and_each_enqueued_trial_once()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        // Separate stores share no memory and no pool, as worker processes would not.
        var stores = Enumerable.Range(0, 6).Select(_ => PostgreSqlStudyStorage.Open(url)).ToArray();
        try
        {
            await Task.WhenAll(stores.Select(s => s.CreateOrOpenStudyAsync(Study())));
            var enqueued = new List<int>();
            for (var i = 0; i < 12; i++)
                enqueued.Add(await stores[0].EnqueueTrialAsync("study", Sample(i, [])));
            var claims = new ConcurrentBag<ClaimedTrial>();
            var historySizes = new ConcurrentBag<(int Number, int History)>();

            await Task.WhenAll(stores.SelectMany((store, s) => Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 8; i++)
                {
                    var claim = await store.ClaimTrialAsync("study", $"s{s}w{w}", (number, history) =>
                    {
                        historySizes.Add((number, history.Count));
                        return Sample(number, history);
                    });
                    claims.Add(claim);
                    await store.ReportIntermediateValueAsync("study", claim.Number, 0, i);
                    await store.FinishTrialAsync("study", claim.Number, TrialResult.Complete(i));
                }
            }))));

            Assert.Equal(Enumerable.Range(0, 144), claims.Select(c => c.Number).Order());
            Assert.Equal(enqueued, claims.Where(c => c.Enqueued).Select(c => c.Number).Order());
            // Each sampler saw every trial numbered before its own: no two sampled from the same history.
            Assert.All(historySizes, h => Assert.Equal(h.Number, h.History));
            var trials = await stores[0].GetTrialsAsync("study");
            Assert.Equal(144, trials.Count(t => t.State == TrialState.Complete));
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    [PostgreSqlFact]
    public async Task Workers_that_start_together_create_the_schema_and_the_study_once()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        var stores = Enumerable.Range(0, 8).Select(_ => PostgreSqlStudyStorage.Open(url)).ToArray();
        try
        {
            var infos = await Task.WhenAll(stores.Select(s => Task.Run(() => s.CreateOrOpenStudyAsync(Study()))));

            Assert.Single(infos, i => i.Created);
            Assert.Single(await stores[0].GetStudiesAsync());
            await using var connection = new NpgsqlConnection(fixture.Server.AdminConnectionString(url[(url.LastIndexOf('/') + 1)..]));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version", connection);
            Assert.Equal("1,2,3", await command.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }

    [PostgreSqlFact]
    public async Task A_worker_holds_no_connection_between_store_calls()
    {
        var database = await fixture.Server.CreateDatabaseAsync();
        await using var store = PostgreSqlStudyStorage.Open(fixture.Server.Url(database) + "?application_name=dsl-idle-check");
        await store.CreateOrOpenStudyAsync(Study());
        var claim = await store.ClaimTrialAsync("study", "w", Sampler);
        await store.ReportIntermediateValueAsync("study", claim.Number, 0, 0.5);

        // While the trial "trains", the pool may keep its connection, but idle: no transaction, no lock.
        await using var connection = new NpgsqlConnection(fixture.Server.AdminConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'dsl-idle-check' AND state <> 'idle'", connection);
        Assert.Equal(0L, await command.ExecuteScalarAsync());
        await using var locks = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'dsl-idle-check'", connection);
        Assert.Equal(0L, await locks.ExecuteScalarAsync());
    }

    [PostgreSqlFact]
    public async Task Workers_survive_a_server_restart_and_lose_nothing()
    {
        // A server of its own: the restart ends every session on it.
        await using var server = await PostgreSqlServer.StartAsync();
        var url = server.Url(await server.CreateDatabaseAsync());
        var stores = Enumerable.Range(0, 3).Select(_ => PostgreSqlStudyStorage.Open(url)).ToArray();
        try
        {
            await stores[0].CreateOrOpenStudyAsync(Study());
            using var restarted = new CancellationTokenSource();
            var finished = new ConcurrentBag<int>();
            var workers = stores.Select((store, s) => Task.Run(async () =>
            {
                // Until well after the restart, so that every worker meets it mid-sweep.
                var i = 0;
                while (!restarted.IsCancellationRequested || i < 5)
                {
                    var claim = await store.ClaimTrialAsync("study", $"w{s}", Sampler);
                    await store.HeartbeatAsync($"w{s}");
                    await store.ReportIntermediateValueAsync("study", claim.Number, 0, i);
                    await store.FinishTrialAsync("study", claim.Number, TrialResult.Complete(i));
                    finished.Add(claim.Number);
                    i++;
                    await Task.Delay(20);
                }
            })).ToArray();

            await Task.Delay(500);
            await server.RestartAsync(down: TimeSpan.FromSeconds(1));
            await restarted.CancelAsync();
            await Task.WhenAll(workers);

            var trials = await stores[0].GetTrialsAsync("study");
            Assert.Equal(Enumerable.Range(0, finished.Count), finished.Order());
            Assert.Equal(finished.Count, trials.Count);
            Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
        }
    }
}
