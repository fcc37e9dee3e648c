using System.Globalization;

namespace Dsl.Dashboard.Pages;

/// <summary>The dashboard's addresses. Study names travel in the query, escaped, so any name (slashes included) routes.</summary>
internal static class Links
{
    public static string Studies => "/";
    public static string StudiesTable => "/studies/table";
    public static string Study(string study) => "/study?s=" + Uri.EscapeDataString(study);
    public static string StudyTable(string study, string query) => "/study/table?s=" + Uri.EscapeDataString(study) + (query.Length > 0 ? "&" + query : "");
    public static string Chart(string study, string kind) => "/study/chart?s=" + Uri.EscapeDataString(study) + "&kind=" + kind;
    public static string Fusion(string study) => "/study/fusion?s=" + Uri.EscapeDataString(study);
    public static string Trial(string study, int number) => "/trial?s=" + Uri.EscapeDataString(study) + "&n=" + Number(number);
    public static string TrialBody(string study, int number) => "/trial/body?s=" + Uri.EscapeDataString(study) + "&n=" + Number(number);
    public static string Checkpoint(string study, int number) => "/trial/checkpoint?s=" + Uri.EscapeDataString(study) + "&n=" + Number(number);
    public static string Revision(string? study) => study is null ? "/api/revision" : "/api/revision?s=" + Uri.EscapeDataString(study);

    private static string Number(int number) => number.ToString(CultureInfo.InvariantCulture);
}
