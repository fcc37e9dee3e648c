using System.Text;

namespace Dsl.Transfer;

/// <summary>What loading pretrained weights did, key by key (after the key mapping).</summary>
/// <param name="Loaded">Model keys that received the source's values.</param>
/// <param name="Missing">Model keys the source lacks; they keep the model's own values.</param>
/// <param name="Unexpected">Source keys the model lacks; they are ignored.</param>
/// <param name="ShapeMismatched">Keys in both whose shapes differ; the model keeps its own values.</param>
public sealed record WeightLoadReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<ShapeMismatch> ShapeMismatched)
{
    /// <summary>Whether every model key was loaded from a source that had nothing else: what strict loading requires.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatched.Count == 0;

    /// <summary>A summary such as "loaded 2 keys; missing from the source: fc2.bias, fc2.weight; not in the model: head.bias, head.weight".</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"loaded {Loaded.Count} keys");
        if (Missing.Count > 0) text.Append("; missing from the source: ").AppendJoin(", ", Missing);
        if (Unexpected.Count > 0) text.Append("; not in the model: ").AppendJoin(", ", Unexpected);
        if (ShapeMismatched.Count > 0) text.Append("; shapes differ: ").AppendJoin(", ", ShapeMismatched);
        return text.ToString();
    }
}

/// <summary>A key whose source and model shapes differ.</summary>
public sealed record ShapeMismatch(string Key, long[] SourceShape, long[] ModelShape)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Key} is [{string.Join(", ", SourceShape)}] in the source but [{string.Join(", ", ModelShape)}] in the model";
}

/// <summary>Strict loading found keys that do not fit; the model was left unchanged.</summary>
public sealed class WeightLoadException(string path, WeightLoadReport report)
    : InvalidOperationException($"The weights in '{path}' do not fit the model exactly ({report}); load them with WeightLoading.Lenient to take what fits.")
{
    /// <summary>The file the weights came from.</summary>
    public string Path { get; } = path;

    /// <summary>What did and did not fit.</summary>
    public WeightLoadReport Report { get; } = report;
}
