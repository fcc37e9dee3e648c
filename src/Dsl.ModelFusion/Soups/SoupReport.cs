namespace Dsl.ModelFusion.Soups;

/// <summary>What a greedy soup tried: each member in the order tried, whether it was kept, and the validation accuracy after each step.</summary>
/// <param name="MemberAccuracies">Each member's own validation accuracy, indexed like the members passed in.</param>
/// <param name="Steps">One step per member, best member first; the first step starts the soup.</param>
public sealed record SoupReport(IReadOnlyList<double> MemberAccuracies, IReadOnlyList<SoupStep> Steps)
{
    /// <summary>Indices (into the members passed in) of the members the soup averages, in the order they were added.</summary>
    public IReadOnlyList<int> Kept => [.. Steps.Where(s => s.Kept).Select(s => s.Member)];

    /// <summary>The final soup's validation accuracy.</summary>
    public double Accuracy => Steps[^1].SoupAccuracy;
}

/// <summary>One step of a greedy soup: member <paramref name="Member"/> was tried in the average.</summary>
/// <param name="Member">Index of the member tried, into the members passed in.</param>
/// <param name="MemberAccuracy">That member's own validation accuracy.</param>
/// <param name="CandidateAccuracy">Validation accuracy of the soup with the member added.</param>
/// <param name="Kept">Whether the member stayed: the candidate's accuracy was strictly higher than the soup's before.</param>
/// <param name="SoupAccuracy">The soup's validation accuracy after this step.</param>
public sealed record SoupStep(int Member, double MemberAccuracy, double CandidateAccuracy, bool Kept, double SoupAccuracy);
