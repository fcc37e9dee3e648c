using System.Globalization;

namespace Dsl.Compression;

/// <summary>The fraction of zero weights, over all pruned (or prunable) layers together and per weight tensor by state-dict name.</summary>
/// <param name="Overall">Zero weights over all weights of the layers measured.</param>
/// <param name="Layers">Per weight tensor, for example "conv1.weight" → 0.5.</param>
public sealed record SparsityReport(double Overall, IReadOnlyDictionary<string, double> Layers)
{
    /// <summary>A one-line summary such as "80.0% zero (conv1.weight 50.0%, fc1.weight 85.2%)".</summary>
    public override string ToString() =>
        $"{Percent(Overall)} zero (" + string.Join(", ", Layers.Select(p => $"{p.Key} {Percent(p.Value)}")) + ")";

    private static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
