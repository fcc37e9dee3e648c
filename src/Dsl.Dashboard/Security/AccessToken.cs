using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Dsl.Dashboard.Security;

/// <summary>
/// The Jupyter-style login: a request carries the token once as <c>?token=</c> (which sets an HttpOnly cookie and
/// redirects to the same address without it), or as the cookie, or as <c>Authorization: Bearer</c>.
/// </summary>
internal sealed class AccessToken(string token)
{
    /// <summary>The cookie's name carries the port: browsers share cookies across a host's ports, and two dashboards must not overwrite each other's.</summary>
    public static string CookieName(HttpContext context) =>
        "dsl_dashboard_token_" + context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private readonly byte[] expected = Encoding.UTF8.GetBytes(token);

    /// <summary>A new random token: 24 bytes as hex, as hard to guess as Jupyter's.</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Whether <paramref name="host"/> is a loopback address (or <c>localhost</c>), which alone may go without a token.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var query = context.Request.Query["token"].ToString();
        if (query.Length > 0 && Matches(query))
        {
            context.Response.Cookies.Append(CookieName(context), query, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
            });
            // Drop the token from the address bar and from the history.
            var rest = context.Request.Query.Where(p => p.Key != "token")
                .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value.ToString()));
            var path = (context.Request.PathBase + context.Request.Path).ToString();
            // "//host/…" (or "/\\host") in a Location header is another site: the token must not turn into an open redirect.
            if (path.Length == 0 || path.StartsWith("//", StringComparison.Ordinal) || path.StartsWith("/\\", StringComparison.Ordinal)) path = "/";
            var location = path + (rest.Any() ? "?" + string.Join("&", rest) : "");
            context.Response.Redirect(location);
            return;
        }
        if (Matches(context.Request.Cookies[CookieName(context)]) || Matches(Bearer(context.Request.Headers.Authorization.ToString())))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("This dashboard needs its access token: open the address it printed at start, which ends in ?token=…\n");
    }

    private static string? Bearer(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

    private bool Matches(string? given) =>
        given is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
}
