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

    [Fact]
    public async Task The_token_redirect_escapes_query_keys_and_never_leaves_the_site()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("redirect", new DashboardOptions { Token = "secret-token-2" });

        using var keys = await server.Client.GetAsync("/study?s=demo&a%26b%3Dc=1&token=secret-token-2");
        Assert.Equal("/study?s=demo&a%26b%3Dc=1", keys.Headers.Location!.OriginalString);

        // An absolute address, so that the client sends the path "//evil.example/x" rather than reading it as another host.
        using var other = await server.Client.GetAsync(new Uri(server.Running.Url.GetLeftPart(UriPartial.Authority) + "//evil.example/x?token=secret-token-2"));
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Equal("/", other.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Without_an_artifacts_option_a_studys_folder_is_where_its_checkpoints_were_written()
    {
        // The sweep ran elsewhere: runs/<study> relative to its own working directory, not beside the store.
        var folder = TestStudies.NewFolder("derived");
        var sweepDirectory = Path.Combine(folder, "elsewhere", "runs");
        var checkpoint = TestStudies.WriteCheckpoint(sweepDirectory, TestStudies.Demo, 0);
        var outside = Path.Combine(folder, "elsewhere", "secret.pt");
        File.WriteAllText(outside, "top secret");
        var file = Path.Combine(folder, "studies.db");
        await using (var writer = StudyStorage.Sqlite(file))
        {
            await writer.CreateOrOpenStudyAsync(new StudyDefinition(TestStudies.Demo, Search.Trials.StudyDirection.Minimize));
            foreach (var recorded in new[] { checkpoint, outside })
            {
                var number = await TestStudies.AddAsync(writer, TestStudies.Demo, "w", 0);
                await writer.FinishTrialAsync(TestStudies.Demo, number, TrialResult.Complete(1) with { Attributes = new Dictionary<string, string> { ["checkpoint"] = recorded } });
            }
        }
        await using var dashboard = await Dashboard.StartAsync(StudyStorage.Open(file, readOnly: true), new DashboardOptions { Port = 0 });
        using var client = new HttpClient { BaseAddress = dashboard.Url };

        using var download = await client.GetAsync("/trial/checkpoint?s=demo&n=0");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal([1, 2, 3, 4], await download.Content.ReadAsByteArrayAsync());
        Assert.Contains("0.91", await client.GetStringAsync("/trial?s=demo&n=0")); // the sidecar's metrics
        // Confinement holds in the derived folder: a path outside it does not download.
        using var refused = await client.GetAsync("/trial/checkpoint?s=demo&n=1");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public void A_derived_study_folder_must_be_named_for_the_study_and_hold_its_trials()
    {
        static Search.Trials.TrialRecord Trial(string checkpoint) => new(0, Search.Trials.TrialState.Complete, new Dictionary<string, object>(), 1,
            new Dictionary<int, double>()) { Attributes = new Dictionary<string, string> { ["checkpoint"] = checkpoint } };
        var files = new Security.ArtifactFiles("/tmp/runs", fromCheckpoints: true);

        Assert.Equal("/srv/out/fashion", files.StudyFolder("fashion", [Trial("/srv/out/fashion/trials/3/model.pt")]));
        Assert.Equal("/tmp/runs/fashion", files.StudyFolder("fashion", [Trial("/etc/other/trials/3/model.pt")]));
        Assert.Equal("/tmp/runs/fashion", files.StudyFolder("fashion", [Trial("/etc/passwd")]));
        Assert.Equal("/tmp/runs/fashion", new Security.ArtifactFiles("/tmp/runs").StudyFolder("fashion", [Trial("/srv/out/fashion/trials/3/model.pt")]));
    }
}
