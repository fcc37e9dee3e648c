using System.Text.Json;
using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.Relational;
using static Dsl.Runtime.Tests.Studies.StudyTestKit;

namespace Dsl.Runtime.Tests.Studies.PostgreSql;

/// <summary>Copying studies between SQLite and PostgreSQL keeps every trial exactly as stored.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class StudyCopyTests(PostgreSqlFixture fixture) : IDisposable
{
    private const string Name = "étude 研究";

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    private readonly TempStudyFile first = new();
    private readonly TempStudyFile second = new();

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }

    [PostgreSqlFact]
    public async Task A_study_copied_from_sqlite_to_postgresql_and_back_is_the_same()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        await using (var sqlite = StudyStorage.Sqlite(first.Path))
        {
            await FillAsync(sqlite);
            await using var server = StudyStorage.Open(url);
            var copy = Assert.Single(await StudyCopier.CopyAsync(sqlite, server));
            Assert.Equal(new StudyCopy(Name, 5, 0, 0), copy);
        }
        await using (var server = StudyStorage.Open(url, readOnly: true))
        await using (var back = StudyStorage.Sqlite(second.Path))
            await StudyCopier.CopyAsync(server, back, Name);

        await using var original = (RelationalStudyStorage)StudyStorage.Sqlite(first.Path);
        await using var roundTrip = (RelationalStudyStorage)StudyStorage.Sqlite(second.Path);
        await using var onServer = (RelationalStudyStorage)StudyStorage.Open(url);
        var expected = JsonSerializer.Serialize(await original.ExportStudyAsync(Name), Json);
        Assert.Equal(expected, JsonSerializer.Serialize(await onServer.ExportStudyAsync(Name), Json));
        Assert.Equal(expected, JsonSerializer.Serialize(await roundTrip.ExportStudyAsync(Name), Json));

        // The copy is a working study: it opens with its space and numbers on from where the original stopped.
        await onServer.CreateOrOpenStudyAsync(Study(Name));
        Assert.Equal(Shape.Square, (await onServer.GetTrialsAsync(Name))[1].Parameters["Shape"]);
        Assert.Equal(5, (await onServer.ClaimTrialAsync(Name, "w", Sampler)).Number);
    }

    [PostgreSqlFact]
    public async Task A_study_is_not_copied_over_one_of_the_same_name()
    {
        var url = fixture.Server.Url(await fixture.Server.CreateDatabaseAsync());
        await using var sqlite = StudyStorage.Sqlite(first.Path);
        await FillAsync(sqlite);
        await using var server = StudyStorage.Open(url);
        await server.CreateOrOpenStudyAsync(Study(Name));

        var error = await Assert.ThrowsAsync<StudyStorageException>(() => StudyCopier.CopyAsync(sqlite, server, Name));

        Assert.Contains($"already has a study named '{Name}'", error.Message);
        Assert.Empty(await server.GetTrialsAsync(Name));
    }

    /// <summary>A study with trials in every state: enqueued, complete with values and attributes, pruned, failed and retried, running.</summary>
    private static async Task FillAsync(IStudyStorage store)
    {
        await store.CreateOrOpenStudyAsync(Study(Name));
        await store.SetStudyAttributeAsync(Name, "fusion", "{\"soup\":0.91}");
        await store.EnqueueTrialAsync(Name, new Dictionary<string, object> { ["Shape"] = Shape.Square, ["Momentum"] = 0.6 });
        for (var i = 0; i < 3; i++)
        {
            var claim = await store.ClaimTrialAsync(Name, "w1", Sampler);
            await store.ReportIntermediateValueAsync(Name, claim.Number, 0, 0.1 * i);
            await store.ReportIntermediateValueAsync(Name, claim.Number, 1, 0.2 * i + 1e-17);
            await store.SetTrialAttributeAsync(Name, claim.Number, "checkpoint", $"/nowhere/{claim.Number}/model.pt");
            await store.FinishTrialAsync(Name, claim.Number, i switch
            {
                0 => TrialResult.Complete(0.75),
                1 => TrialResult.Pruned(null),
                _ => TrialResult.Failed("out of memory ✗"),
            });
        }
        var crashed = await store.ClaimTrialAsync(Name, "gone", Sampler);
        await store.RecoverStaleTrialsAsync(Name, new StaleTrialPolicy { TreatAllRunningAsStale = true, MaxRetries = 1 });
        Assert.Equal(3, crashed.Number);
        await store.ClaimTrialAsync(Name, "w2", Sampler); // the retry, left running
    }
}
