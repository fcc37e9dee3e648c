using System.Reflection;

namespace Dsl.Studies;

/// <summary>
/// Finds the stores that live in packages of their own, so that Dsl.Runtime opens a <c>postgresql://</c> URL without
/// depending on a database driver: the package's assembly is loaded by name when a URL needs it.
/// </summary>
internal static class ServerStores
{
    /// <summary>The assembly of the PostgreSQL store, and the public static <c>Open(string url, bool readOnly)</c> it offers.</summary>
    public const string PostgreSqlAssembly = "Dsl.Studies.PostgreSql";
    private const string PostgreSqlType = "Dsl.Studies.PostgreSql.PostgreSqlStudyStorage";

    public static IStudyStorage OpenPostgreSql(string url, bool readOnly)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(PostgreSqlAssembly));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new StudyStorageException(
                $"A postgresql:// study store needs the {PostgreSqlAssembly} package, which this application does not reference. "
                + $"Add it (dotnet add package {PostgreSqlAssembly}) and rebuild.", e);
        }
        var open = assembly.GetType(PostgreSqlType)?.GetMethod("Open", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(bool)])
                   ?? throw new StudyStorageException(
                       $"{PostgreSqlAssembly} {assembly.GetName().Version} offers no {PostgreSqlType}.Open(string, bool); use the version of Dsl.Runtime.");
        try
        {
            return (IStudyStorage)open.Invoke(null, [url, readOnly])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
