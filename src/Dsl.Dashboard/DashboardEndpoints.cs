using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dsl.Dashboard.Assets;
using Dsl.Dashboard.Charts;
using Dsl.Dashboard.Data;
using Dsl.Dashboard.Pages;
using Dsl.Search.Trials;
using Dsl.Studies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dsl.Dashboard;

/// <summary>The dashboard's pages, fragments (what the pages refresh live), downloads and JSON API.</summary>
internal static class DashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Map(IEndpointRouteBuilder app, DashboardContext context)
    {
        // Charts cost the most and change only with the study: keep each until what it depends on moves on.
        var charts = new ConcurrentDictionary<(string Study, string Kind), (string Version, string Svg)>();

        app.MapGet("/", async (CancellationToken ct) =>
        {
            var revision = await StoreRevisionAsync(context, ct);
            return Page(Layout.Page("Studies", [], StudiesPage.Body(context.Reader.Storage.Location), Links.Revision(null), revision, context.PollMilliseconds));
        });
        app.MapGet("/studies/table", async (CancellationToken ct) =>
        {
            var studies = await context.Reader.StudiesAsync(ct);
            var activity = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
            foreach (var s in studies) activity[s.Name] = (await context.Reader.StudyAsync(s.Name, ct))?.LastActivity;
            return Fragment(StudiesPage.Table(studies, activity));
        });
        app.MapGet("/study", async (HttpRequest request, CancellationToken ct) =>
        {
            if (await StudyAsync(context, request, ct) is not { } study) return StudyNotFound(request);
            var body = StudyPage.Body(study, TrialQuery.From(request.Query));
            return Page(Layout.Page(study.Name, [(Links.Study(study.Name), "study")], body, Links.Revision(study.Name), study.Revision, context.PollMilliseconds));
        });
        app.MapGet("/study/table", async (HttpRequest request, CancellationToken ct) =>
            await StudyAsync(context, request, ct) is { } study ? Fragment(StudyPage.Table(study, TrialQuery.From(request.Query))) : StudyNotFound(request));
        app.MapGet("/study/fusion", async (HttpRequest request, CancellationToken ct) =>
            await StudyAsync(context, request, ct) is { } study ? Fragment(StudyPage.Attributes(study.Attributes)) : StudyNotFound(request));
        app.MapGet("/study/chart", async (HttpRequest request, CancellationToken ct) =>
        {
            if (await StudyAsync(context, request, ct) is not { } study) return StudyNotFound(request);
            var kind = request.Query["kind"].ToString();
            if (!StudyCharts.Kinds.Contains(kind)) return Results.NotFound($"There is no chart '{kind}'; the charts are {string.Join(", ", StudyCharts.Kinds)}.");
            var key = (study.Name, kind);
            var version = StudyCharts.CacheKey(study, kind);
            if (!charts.TryGetValue(key, out var cached) || cached.Version != version)
            {
                cached = (version, StudyCharts.Render(study, kind));
                charts[key] = cached;
            }
            return Fragment(cached.Svg);
        });
        app.MapGet("/trial", async (HttpRequest request, CancellationToken ct) =>
        {
            if (await TrialAsync(context, request, ct) is not var (study, trial)) return TrialNotFound(request);
            var body = TrialPage.Body(study.Name, trial, TrialFiles.Read(study, trial, context.Artifacts));
            return Page(Layout.Page($"Trial {trial.Number}", [(Links.Study(study.Name), study.Name)], body, Links.Revision(study.Name), study.Revision, context.PollMilliseconds));
        });
        app.MapGet("/trial/body", async (HttpRequest request, CancellationToken ct) =>
            await TrialAsync(context, request, ct) is var (study, trial)
                ? Fragment(TrialPage.Content(study.Name, trial, TrialFiles.Read(study, trial, context.Artifacts)))
                : TrialNotFound(request));
        app.MapGet("/trial/checkpoint", async (HttpRequest request, CancellationToken ct) =>
        {
            if (await TrialAsync(context, request, ct) is not var (study, trial)) return TrialNotFound(request);
            if (TrialFiles.Read(study, trial, context.Artifacts).Checkpoint is not { } path)
                return Results.NotFound("This trial has no checkpoint inside its study's artifact folder.");
            return Results.File(path, "application/octet-stream", $"{study.Name}-trial-{trial.Number}-{Path.GetFileName(path)}");
        });
        app.MapGet("/assets/{name}", (string name) =>
            EmbeddedAssets.Find(name) is { } asset ? Results.Bytes(asset.Content, asset.ContentType) : Results.NotFound());

        app.MapGet("/api/revision", async (HttpRequest request, CancellationToken ct) =>
        {
            var name = request.Query["s"].ToString();
            if (name.Length == 0) return Results.Json(new { revision = await StoreRevisionAsync(context, ct) }, Json);
            return await context.Reader.StudyAsync(name, ct) is { } study
                ? Results.Json(new { revision = study.Revision, trials = study.Trials.Count }, Json)
                : StudyNotFound(request);
        });
        app.MapGet("/api/studies", async (CancellationToken ct) =>
            Results.Json((await context.Reader.StudiesAsync(ct)).Select(StudyJson), Json));
        app.MapGet("/api/study", async (HttpRequest request, CancellationToken ct) =>
            await StudyAsync(context, request, ct) is { } study
                ? Results.Json(new
                {
                    study = StudyJson(study.Summary),
                    revision = study.Revision,
                    lastActivity = study.LastActivity,
                    parameters = study.ParameterNames,
                    attributes = study.Attributes,
                }, Json)
                : StudyNotFound(request));
        app.MapGet("/api/trials", async (HttpRequest request, CancellationToken ct) =>
        {
            if (await StudyAsync(context, request, ct) is not { } study) return StudyNotFound(request);
            var query = TrialQuery.From(request.Query);
            var rows = query.Apply(study);
            return Results.Json(new
            {
                total = rows.Count,
                page = query.Page,
                pageSize = query.PageSize,
                revision = study.Revision,
                trials = rows.Skip(query.Page * query.PageSize).Take(query.PageSize).Select(TrialJson),
            }, Json);
        });
        app.MapGet("/api/trial", async (HttpRequest request, CancellationToken ct) =>
            await TrialAsync(context, request, ct) is var (_, trial) ? Results.Json(TrialJson(trial), Json) : TrialNotFound(request));
    }

    private static IResult Page(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static IResult Fragment(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static IResult StudyNotFound(HttpRequest request) =>
        Results.NotFound($"There is no study '{request.Query["s"]}' in this store.");

    private static IResult TrialNotFound(HttpRequest request) =>
        Results.NotFound($"There is no trial '{request.Query["n"]}' in study '{request.Query["s"]}'.");

    private static Task<StudySnapshot?> StudyAsync(DashboardContext context, HttpRequest request, CancellationToken ct) =>
        request.Query["s"].ToString() is { Length: > 0 } name ? context.Reader.StudyAsync(name, ct) : Task.FromResult<StudySnapshot?>(null);

    private static async Task<(StudySnapshot Study, TrialRecord Trial)?> TrialAsync(DashboardContext context, HttpRequest request, CancellationToken ct)
    {
        if (!int.TryParse(request.Query["n"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return null;
        if (await StudyAsync(context, request, ct) is not { } study) return null;
        return study.ByNumber.TryGetValue(number, out var trial) ? (study, trial) : null;
    }

    /// <summary>The front page's revision: the studies and their trial counts by state, and each study's best.</summary>
    private static async Task<string> StoreRevisionAsync(DashboardContext context, CancellationToken ct)
    {
        var hash = new HashCode();
        foreach (var s in await context.Reader.StudiesAsync(ct))
        {
            hash.Add(s.Name);
            hash.Add(s.BestValue);
            foreach (var (state, count) in s.TrialCounts.OrderBy(p => p.Key))
            {
                hash.Add(state);
                hash.Add(count);
            }
        }
        return ((uint)hash.ToHashCode()).ToString("x8", CultureInfo.InvariantCulture);
    }

    private static object StudyJson(StudySummary s) => new
    {
        name = s.Name,
        direction = s.Direction.ToString().ToLowerInvariant(),
        createdAt = s.CreatedAt,
        trials = s.TotalTrials,
        counts = Enum.GetValues<TrialState>().ToDictionary(StudyCharts.State, s.Count),
        bestTrial = s.BestTrial,
        bestValue = s.BestValue,
    };

    private static object TrialJson(TrialRecord t) => new
    {
        number = t.Number,
        state = StudyCharts.State(t.State),
        value = t.Value,
        parameters = t.Parameters,
        intermediateValues = t.IntermediateValues.OrderBy(p => p.Key).ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value),
        startedAt = t.StartedAt,
        finishedAt = t.FinishedAt,
        error = t.Error,
        worker = t.WorkerId,
        attributes = t.Attributes,
    };
}
