using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Dsl.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions with Verify's file conventions, so a later move to Verify is a swap:
/// <c>Snapshots/{Class}.{Method}.verified.{ext}</c> is committed, a mismatch writes <c>.received.{ext}</c> beside it,
/// and <c>DSL_ACCEPT_SNAPSHOTS=1</c> (or Verify's <c>VERIFY_AUTOACCEPT</c>) accepts the new output.
/// The package version in <c>[GeneratedCode]</c> is scrubbed, as Verify's scrubbers would, so a release bump changes no snapshot.
/// </summary>
internal static partial class Snapshot
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

    private static string Normalize(string text) =>
        GeneratorVersion().Replace(text.Replace("\r\n", "\n"), "GeneratedCode(\"Dsl.Generator\", \"{version}\")").TrimEnd() + "\n";

    [GeneratedRegex("""GeneratedCode\("Dsl\.Generator", "[0-9.]+"\)""")]
    private static partial Regex GeneratorVersion();
}
