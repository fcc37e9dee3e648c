using System.Data.Common;
using Dsl.Studies;
using Dsl.Studies.Relational;
using Dsl.Studies.Sqlite;
using Microsoft.Data.Sqlite;
using static Dsl.Runtime.Tests.Studies.StudyTestKit;

namespace Dsl.Runtime.Tests.Studies;

/// <summary>A write whose COMMIT fails is not run again: the commit may have reached the database, and a rerun would apply it twice.</summary>
public sealed class CommitFailureTests : IDisposable
{
    private readonly TempStudyFile file = new();

    public void Dispose() => file.Dispose();

    [Fact]
    public async Task A_failed_commit_is_reported_as_unknown_instead_of_retried()
    {
        var options = new SqliteStudyStorageOptions();
        var dialect = new CommitFailingDialect(new SqliteDialect(options));
        await using var store = new RelationalStudyStorage(dialect, new SqliteDataSource(file.Path, options), file.Path, options);
        await store.CreateOrOpenStudyAsync(Study());

        dialect.FailNextCommit();
        var error = await Assert.ThrowsAsync<StudyStorageException>(() => store.ClaimTrialAsync("study", "w", Sampler));

        Assert.Contains("whether it was saved is unknown", error.Message);
        Assert.Equal(1, dialect.Commits);
    }

    /// <summary>SQLite, but every error counts as transient and the next commit fails (SQLite's commit hook turns it into a rollback).</summary>
    private sealed class CommitFailingDialect(SqlDialect inner) : SqlDialect
    {
        private int armed;
        private int commits;

        public int Commits => Volatile.Read(ref commits);

        public override string Name => inner.Name;

        public override IReadOnlyList<string> Migrations => inner.Migrations;

        public override string ListTablesQuery => inner.ListTablesQuery;

        public override string ParameterOrderColumn => inner.ParameterOrderColumn;

        public override string LockStudyRowClause => inner.LockStudyRowClause;

        public override bool QueueWritersInProcess => inner.QueueWritersInProcess;

        public void FailNextCommit()
        {
            Interlocked.Exchange(ref armed, 1);
            Interlocked.Exchange(ref commits, 0);
        }

        public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            SQLitePCL.raw.sqlite3_commit_hook(((SqliteConnection)connection).Handle, _ =>
            {
                Interlocked.Increment(ref commits);
                return Interlocked.Exchange(ref armed, 0);
            }, null);
            return inner.BeginWriteAsync(connection, cancellationToken);
        }

        public override ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
            inner.BeginReadAsync(connection, cancellationToken);

        public override Task PrepareForWritingAsync(DbConnection connection, CancellationToken cancellationToken) =>
            inner.PrepareForWritingAsync(connection, cancellationToken);

        public override bool IsTransient(DbException error) => true;
    }
}
