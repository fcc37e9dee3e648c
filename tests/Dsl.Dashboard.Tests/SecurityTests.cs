using System.Net;
using Dsl.Studies;

namespace Dsl.Dashboard.Tests;

/// <summary>The access token beyond loopback, and downloads confined to the study's artifact folder.</summary>
public sealed class SecurityTests
{
    [Fact]
    public async Task Loopback_needs_no_token_by_default()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("loopback");
        Assert.Null(server.Running.Token);
        Assert.Equal("127.0.0.1", server.Running.Url.Host);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/")).Status);
    }

    [Fact]
    public async Task Any_other_address_gets_a_generated_token_that_every_request_must_carry()
    {
        var log = new StringWriter();
        await using var server = await DashboardServer.WithSqliteStudiesAsync("token", new DashboardOptions { Host = "0.0.0.0", Log = log });
        var token = server.Running.Token;
        Assert.NotNull(token);
        Assert.True(token.Length >= 32);
        Assert.Contains("?token=" + token, log.ToString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync("/")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync("/api/studies")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync("/?token=wrong-token-123")).Status);

        using var login = await server.Client.GetAsync("/study?s=demo&token=" + token);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/study?s=demo", login.Headers.Location!.OriginalString);
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var request = new HttpRequestMessage(HttpMethod.Get, "/study?s=demo");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(request)).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        bearer.Headers.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(bearer)).StatusCode);
    }

    [Fact]
    public async Task A_given_token_is_required_even_on_loopback()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("given", new DashboardOptions { Token = "secret-token-1" });
        Assert.Equal("secret-token-1", server.Running.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync("/")).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await server.GetAsync("/?token=secret-token-1")).Status);
    }

    [Fact]
    public async Task The_recorded_checkpoint_downloads()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("download");
        using var response = await server.Client.GetAsync("/trial/checkpoint?s=demo&n=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, await response.Content.ReadAsByteArrayAsync());
        var page = (await server.GetAsync("/trial?s=demo&n=0")).Body;
        Assert.Contains("checkpoint-link", page);
        Assert.Contains("trial-confusion", page);
        Assert.Contains("accuracy", page);
    }

    [Theory]
    [InlineData("outside")]
    [InlineData("dotdot")]
    [InlineData("other-study")]
    [InlineData("symlink")]
    public async Task A_checkpoint_path_outside_the_study_artifact_folder_is_never_served(string how)
    {
        var folder = TestStudies.NewFolder("traversal-" + how);
        var runs = Path.Combine(folder, "runs");
        var secret = Path.Combine(folder, "secret.txt");
        File.WriteAllText(secret, "top secret");
        var otherStudy = TestStudies.WriteCheckpoint(runs, "other", 0);
        var inside = Path.Combine(runs, TestStudies.Demo, "trials", "3");
        Directory.CreateDirectory(inside);
        var recorded = how switch
        {
            "outside" => secret,
            "dotdot" => Path.Combine(inside, "..", "..", "..", "..", "secret.txt"),
            "other-study" => otherStudy,
            _ => Path.Combine(inside, "model.pt"),
        };
        if (how == "symlink") File.CreateSymbolicLink(recorded, secret);

        var file = Path.Combine(folder, "studies.db");
        await using (var writer = StudyStorage.Sqlite(file))
        {
            await writer.CreateOrOpenStudyAsync(new StudyDefinition(TestStudies.Demo, Search.Trials.StudyDirection.Minimize));
            var number = await TestStudies.AddAsync(writer, TestStudies.Demo, "w", 0);
            await writer.FinishTrialAsync(TestStudies.Demo, number, TrialResult.Complete(1) with { Attributes = new Dictionary<string, string> { ["checkpoint"] = recorded } });
        }
        await using var server = await DashboardServer.StartAsync(StudyStorage.Open(file, readOnly: true), folder);
        var (status, body) = await server.GetAsync("/trial/checkpoint?s=demo&n=0");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("top secret", body);
        Assert.DoesNotContain("checkpoint-link", (await server.GetAsync("/trial?s=demo&n=0")).Body);
    }

    [Fact]
    public void Study_names_that_would_leave_the_artifacts_root_have_no_folder()
    {
        var files = new Security.ArtifactFiles("/tmp/runs");
        Assert.Null(files.StudyFolder(".."));
        Assert.Null(files.StudyFolder("../etc"));
        Assert.Null(files.StudyFolder("a/b"));
        Assert.Equal("/tmp/runs/fashion", files.StudyFolder("fashion"));
        Assert.Null(files.Resolve("..", "/tmp/secret"));
    }
}
