using Dsl.Sweeps.Output;

namespace Dsl.Runtime.Tests.Sweeps;

/// <summary>The fusion verdict: which set it compares on, and what it says when that set flatters the fusion.</summary>
public sealed class FusionVerdictTests
{
    private static FusionScore Member(int trial, double validation) => new($"trial {trial}", [trial], validation, null, 1);

    private static FusionRecord Soup(bool inSample) =>
        new("soup", [Member(3, 0.90), Member(5, 0.88)], new FusionScore("greedy soup", [3, 5], 0.92, null, 1) { ValidationInSample = inSample }, null);

    [Fact]
    public void Without_a_test_set_an_in_sample_fusion_score_is_called_optimistic()
    {
        var verdict = FusionRecord.Verdict([Soup(inSample: true)]);
        Assert.StartsWith("The best fusion, greedy soup, reached validation accuracy 0.9200 and beat the best single model (trial 3, 0.9000)", verdict);
        Assert.Contains("measured on the validation data it was fitted on or chosen by, so it is optimistic", verdict);
    }

    [Fact]
    public void An_out_of_sample_score_needs_no_warning()
    {
        Assert.DoesNotContain("optimistic", FusionRecord.Verdict([Soup(inSample: false)]));
    }

    [Fact]
    public void The_in_sample_flag_survives_the_study_attribute()
    {
        var record = FusionRecord.TryParse(Soup(inSample: true).ToJson());
        Assert.True(record!.Fusion.ValidationInSample);
    }
}
