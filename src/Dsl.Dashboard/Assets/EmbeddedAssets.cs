namespace Dsl.Dashboard.Assets;

/// <summary>The style sheet and script, embedded in the assembly so the dashboard needs no network and no files beside it.</summary>
internal static class EmbeddedAssets
{
    private static readonly Dictionary<string, Asset> Assets = Load();

    /// <summary>One embedded file and its content type.</summary>
    public sealed record Asset(byte[] Content, string ContentType);

    public static Asset? Find(string name) => Assets.GetValueOrDefault(name);

    private static Dictionary<string, Asset> Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        const string prefix = "Dsl.Dashboard.Assets.";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(memory.ToArray(), type);
        }
        return assets;
    }
}
