using System.Runtime.CompilerServices;

namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions with Verify's file conventions, so a later move to Verify is a swap:
/// <c>Snapshots/{Class}.{Method}.verified.{ext}</c> is committed, a mismatch writes <c>.received.{ext}</c> beside it,
/// and <c>DSL_ACCEPT_SNAPSHOTS=1</c> (or Verify's <c>VERIFY_AUTOACCEPT</c>) accepts the new output.
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string extension = "cs", string? name = null,
        [CallerFilePath] string callerFile = "", [CallerMemberName] string callerMember = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        Directory.CreateDirectory(directory);
        var stem = Path.GetFileNameWithoutExtension(callerFile) + "." + (name ?? callerMember);
        var verified = Path.Combine(directory, stem + ".verified." + extension);
        var received = Path.Combine(directory, stem + ".received." + extension);
        actual = Normalize(actual);

        if (File.Exists(verified) && Normalize(File.ReadAllText(verified)) == actual)
        {
            File.Delete(received);
            return;
        }
        if (Environment.GetEnvironmentVariable("DSL_ACCEPT_SNAPSHOTS") == "1" || Environment.GetEnvironmentVariable("VERIFY_AUTOACCEPT") == "true")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(File.Exists(verified)
            ? $"Snapshot mismatch: compare {received} with {verified}; rerun with DSL_ACCEPT_SNAPSHOTS=1 to accept."
            : $"New snapshot {received}; review it and rerun with DSL_ACCEPT_SNAPSHOTS=1 to accept.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";
}
