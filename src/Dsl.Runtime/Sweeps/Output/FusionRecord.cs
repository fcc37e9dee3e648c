using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dsl.Sweeps.Output;

/// <summary>
/// The result of fusing a study's trials (an ensemble or a soup), as Dsl.ModelFusion records it in the study's own
/// attributes: key <c>fusion:&lt;method&gt;</c> (see <see cref="Key"/>), value this record as JSON (<see cref="ToJson"/>).
/// </summary>
/// <remarks>
/// It lives in the runtime so that reports and dashboards read fusion results without referencing Dsl.ModelFusion.
/// Accuracies are on the sweep's validation data and, when the sweep had one, its test set. A later fusion of the same
/// method replaces the earlier record.
/// </remarks>
/// <param name="Method">What was fused and how: <c>ensemble-uniform</c>, <c>ensemble-weighted</c>, <c>ensemble-stacking</c>, <c>soup</c> or <c>fine-tuned-soup</c>.</param>
/// <param name="Members">Each model that went into the fusion, best first.</param>
/// <param name="Fusion">The fused model.</param>
/// <param name="Artifact">Where the fused model was saved (a folder for an ensemble, a checkpoint for a soup), or null.</param>
public sealed record FusionRecord(string Method, IReadOnlyList<FusionScore> Members, FusionScore Fusion, string? Artifact)
{
    /// <summary>The prefix of every fusion's study attribute key.</summary>
    public const string KeyPrefix = "fusion:";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>When the fusion finished.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Facts worth a line beside the table: the members' weights, the soup's steps, cross-fitted scores.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The best member by validation accuracy, or null without members.</summary>
    [JsonIgnore]
    public FusionScore? BestMember => Members.OrderByDescending(m => m.ValidationAccuracy).FirstOrDefault();

    /// <summary>The study attribute key of <paramref name="method"/>'s record.</summary>
    public static string Key(string method) => KeyPrefix + method;

    /// <summary>This record as one line of JSON, the study attribute's value.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a record written by <see cref="ToJson"/>; null when <paramref name="json"/> is not one.</summary>
    public static FusionRecord? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            var record = JsonSerializer.Deserialize<FusionRecord>(json, Json);
            return record is { Method: not null, Members: not null, Fusion: not null } ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// One sentence, with numbers, saying whether the most accurate of <paramref name="records"/> beat the best single
    /// model (the member with the best validation accuracy), on the test set when there is one; null without records.
    /// </summary>
    public static string? Verdict(IReadOnlyList<FusionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var onTest = records.Count > 0 && records.All(r => r.Fusion.TestAccuracy is not null);
        double Accuracy(FusionScore score) => onTest ? score.TestAccuracy!.Value : score.ValidationAccuracy;
        var best = records.Where(r => r.BestMember is not null).OrderByDescending(r => Accuracy(r.Fusion)).FirstOrDefault();
        if (best is null) return null;
        // The best single model is the one a user would pick without fusing: the sweep's trial that is best on validation.
        // Fine-tuned variants are the fusion's own products, so they count only when no record has a plain trial.
        var members = records.SelectMany(r => r.Members).ToList();
        var trials = members.Where(m => !m.FineTuned).ToList();
        var single = (trials.Count > 0 ? trials : members).OrderByDescending(m => m.ValidationAccuracy).First();
        var set = onTest ? "test" : "validation";
        var difference = Accuracy(best.Fusion) - Accuracy(single);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var verb = difference > 0 ? $"beat the best single model ({single.Name}, {Accuracy(single).ToString("F4", c)}) by {difference.ToString("F4", c)}"
            : difference == 0 ? $"tied with the best single model ({single.Name}, {Accuracy(single).ToString("F4", c)})"
            : $"did not beat the best single model ({single.Name}, {Accuracy(single).ToString("F4", c)}): it is {(-difference).ToString("F4", c)} behind";
        var verdict = $"The best fusion, {best.Fusion.Name}, reached {set} accuracy {Accuracy(best.Fusion).ToString("F4", c)} and {verb}, " +
                      $"at {best.Fusion.InferenceCost.ToString("0.#", c)}x one model's inference cost.";
        // Without a test set the comparison is only fair when the fusion's number is out of sample.
        return !onTest && best.Fusion.ValidationInSample
            ? verdict + $" With no test set, {best.Fusion.Name}'s accuracy was measured on the validation data it was fitted on or chosen by, so it is optimistic."
            : verdict;
    }

    /// <summary>Every readable fusion record among a study's attributes, ordered by key.</summary>
    public static IReadOnlyList<FusionRecord> FromAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return
        [
            .. attributes.Where(a => a.Key.StartsWith(KeyPrefix, StringComparison.Ordinal))
                .OrderBy(a => a.Key, StringComparer.Ordinal)
                .Select(a => TryParse(a.Value))
                .OfType<FusionRecord>(),
        ];
    }
}
