using Dsl.Search.Trials;
using Dsl.Studies;
using Dsl.Studies.PostgreSql;
using static Dsl.Runtime.Tests.Studies.StudyTestKit;

namespace Dsl.Runtime.Tests.Studies.PostgreSql;

/// <summary>Passwords stay out of locations and messages; the password's sources; URLs; study names in any script.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlSecurityTests(PostgreSqlFixture fixture)
{
    private PostgreSqlServer Server => fixture.Server;

    [PostgreSqlFact]
    public async Task StudyStorage_Open_takes_a_postgresql_url_and_shows_it_without_the_password()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var store = StudyStorage.Open(Server.Url(database).Replace("postgresql://", "postgres://", StringComparison.Ordinal));
        await store.CreateOrOpenStudyAsync(Study());

        Assert.Equal($"postgresql://dsl@127.0.0.1:{Server.Port}/{database}", store.Location);
        Assert.DoesNotContain(Server.Password, store.Location);
        Assert.True(store.IsPersistent);
        await using var reader = StudyStorage.Open(Server.Url(database), readOnly: true);
        Assert.Equal("study", Assert.Single(await reader.GetStudiesAsync()).Name);
        await Assert.ThrowsAsync<StudyStorageException>(() => reader.SetStudyAttributeAsync("study", "k", "v"));
    }

    [PostgreSqlFact]
    public async Task A_wrong_password_is_refused_in_words_that_never_repeat_it()
    {
        var database = await Server.CreateDatabaseAsync();
        const string wrong = "Wr0ng-Secret-Value";
        await using var store = StudyStorage.Open($"postgresql://dsl:{wrong}@127.0.0.1:{Server.Port}/{database}?sslmode=disable");

        var error = await Assert.ThrowsAsync<StudyStorageException>(() => store.GetStudiesAsync());

        Assert.Contains("refused the login", error.Message);
        Assert.Contains("PGPASSWORD", error.Message);
        Assert.Contains($"postgresql://dsl@127.0.0.1:{Server.Port}/{database}?sslmode=disable", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
    }

    [Fact]
    public void A_bad_url_is_a_clear_error_that_shows_only_its_scheme_and_host()
    {
        var error = Assert.Throws<ArgumentException>(() => StudyStorage.Open("postgresql://me:TopSecret1@db.example:99999/x"));
        Assert.Contains("'postgresql://db.example:99999' has the port '99999'", error.Message);
        Assert.DoesNotContain("TopSecret1", error.Message);

        error = Assert.Throws<ArgumentException>(() => StudyStorage.Open("postgresql://me@db.example/x?password=TopSecret1&sslmode=sometimes"));
        Assert.Contains("'postgresql://db.example' has sslmode=sometimes", error.Message);
        Assert.Contains("sslmode takes disable, allow, prefer, require, verify-ca, verify-full", error.Message);
        Assert.DoesNotContain("TopSecret1", error.Message);
    }

    [Theory]
    [InlineData("postgresql://u:pa/ss@h/db", "pa/ss")]
    [InlineData("postgresql://u:p?w@h/db", "p?w")]
    [InlineData("postgresql://u:p#w@h/db", "p#w")]
    public void A_password_with_a_bare_slash_question_mark_or_hash_is_read_as_the_password(string url, string password)
    {
        var text = PostgreSqlConnectionText.Parse(url);
        Assert.Equal(("u", password, "h", "db"), (text.Builder.Username, text.Builder.Password, text.Builder.Host, text.Builder.Database));
        Assert.Equal("postgresql://u@h/db", text.Location);

        var error = Assert.Throws<ArgumentException>(() => StudyStorage.Open(url.Replace("@h/", "@h:0/", StringComparison.Ordinal)));
        Assert.Contains("'postgresql://h:0' has the port '0'", error.Message);
        Assert.DoesNotContain(password, error.Message);
    }

    [Fact]
    public void Url_parts_and_tls_settings_pass_to_npgsql()
    {
        var text = PostgreSqlConnectionText.Parse(
            "postgresql://ana%40corp:p%40ss%2Fw@db.example:6543/st%C3%BCdies?sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/c.pem&sslkey=/k.pem");

        Assert.Equal("ana@corp", text.Builder.Username);
        Assert.Equal("p@ss/w", text.Builder.Password);
        Assert.Equal("db.example", text.Builder.Host);
        Assert.Equal(6543, text.Builder.Port);
        Assert.Equal("stüdies", text.Builder.Database);
        Assert.Equal(Npgsql.SslMode.VerifyFull, text.Builder.SslMode);
        Assert.Equal("/etc/ca.pem", text.Builder.RootCertificate);
        Assert.Equal("/c.pem", text.Builder.SslCertificate);
        Assert.Equal("/k.pem", text.Builder.SslKey);
        Assert.Equal("postgresql://ana%40corp@db.example:6543/st%C3%BCdies?sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/c.pem&sslkey=/k.pem",
            text.Location);
    }

    [PostgreSqlFact]
    public async Task The_password_may_come_from_a_password_file()
    {
        var database = await Server.CreateDatabaseAsync();
        var passfile = Path.Combine(Path.GetTempPath(), $"dsl-pgpass-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passfile, $"127.0.0.1:{Server.Port}:*:dsl:{Server.Password}\n");
        File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            await using var store = StudyStorage.Open($"{Server.Url(database, withPassword: false)}?passfile={Uri.EscapeDataString(passfile)}");
            await store.CreateOrOpenStudyAsync(Study());
            Assert.Single(await store.GetStudiesAsync());
        }
        finally
        {
            File.Delete(passfile);
        }
    }

    [PostgreSqlFact]
    public async Task Study_names_in_any_script_and_with_quotes_are_plain_values()
    {
        var database = await Server.CreateDatabaseAsync();
        await using var store = StudyStorage.Open(Server.Url(database));
        const string name = "研究 ü 🚀 it's \"x\"; DROP TABLE trials; --";
        await store.CreateOrOpenStudyAsync(Study(name));
        var claim = await store.ClaimTrialAsync(name, "wörker ✓", Sampler);
        await store.SetStudyAttributeAsync(name, "note ✎", "ok'); --");
        await store.FinishTrialAsync(name, claim.Number, TrialResult.Complete(1));

        await using var other = StudyStorage.Open(Server.Url(database));
        Assert.Equal(name, Assert.Single(await other.GetStudiesAsync()).Name);
        Assert.Equal("wörker ✓", Assert.Single(await other.GetTrialsAsync(name)).WorkerId);
        Assert.Equal("ok'); --", (await other.GetStudyAttributesAsync(name))["note ✎"]);
    }
}
