namespace Dsl.Reporting;

/// <summary>A figure's heading and caption, shared by the Markdown and HTML pages so their words cannot drift apart.</summary>
/// <param name="Heading">The section heading.</param>
/// <param name="Alt">A short description for the image's alternative text.</param>
/// <param name="Caption">The caption; <c>{0}</c> stands for the metric's name, which each page formats as code (for importance: what the variance is of, the metric already in it).</param>
internal sealed record ReportCaption(string Heading, string Alt, string Caption)
{
    public static ReportCaption Importance { get; } = new("Parameter importance", "Parameter importance",
        "Share of the variance in {0} that each parameter explains on its own (fANOVA main effects of a 64-tree random forest; the shares sum to 1).");

    public static ReportCaption History { get; } = new("Optimisation history", "Optimisation history",
        "Each trial's {0} in the order trials were numbered; the red line is the best value found so far.");

    public static ReportCaption Slices { get; } = new("Slices", "Slice plots",
        "{0} against each parameter for the complete trials. Colour runs from early trials (dark) to late ones (yellow); the best trial is ringed in red.");

    public static ReportCaption Parallel { get; } = new("Parallel coordinates", "Parallel coordinates",
        "One line per complete trial across every parameter and {0}, coloured by its value; the best trial is drawn thickest and on top.");

    public static ReportCaption Intermediate { get; } = new("Learning curves", "Learning curves",
        "The {0} each trial reported per step; pruned trials end in a cross.");

    /// <summary>The figures drawn below the importance ranking, in page order, with their files.</summary>
    public static IEnumerable<(ReportCaption Caption, string Image)> Figures(SweepReportFiles files)
    {
        if (files.History is { } history)
            yield return (History, history);
        if (files.Slices is { } slices)
            yield return (Slices, slices);
        if (files.Parallel is { } parallel)
            yield return (Parallel, parallel);
        if (files.Intermediate is { } intermediate)
            yield return (Intermediate, intermediate);
    }

    /// <summary>The caption with <paramref name="metric"/>, already formatted for the page, in place of <c>{0}</c>.</summary>
    public string Format(string metric) => Caption.Replace("{0}", metric, StringComparison.Ordinal);
}
