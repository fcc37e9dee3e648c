using Dsl.Studies;
using Dsl.Studies.PostgreSql;

namespace Dsl.Runtime.Tests.Studies.PostgreSql;

#if POSTGRESQL_SERVER
/// <summary>The storage contract against a real PostgreSQL server, one fresh database per test.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlStudyStorageTests(PostgreSqlFixture fixture) : StudyStorageContract
{
    private string? database;

    protected override IStudyStorage CreateStore()
    {
        database ??= fixture.Server.CreateDatabaseAsync().GetAwaiter().GetResult();
        return PostgreSqlStudyStorage.Open(fixture.Server.Url(database), new PostgreSqlStudyStorageOptions { Time = Time });
    }
}
#else
public sealed class PostgreSqlStudyStorageTests
{
    [PostgreSqlFact]
    public void The_storage_contract_runs_against_a_real_server() => Assert.Fail("Compiled only where the server binaries are installed.");
}
#endif
