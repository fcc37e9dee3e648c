using Dsl.ModelFusion.Soups;
using Dsl.Sweeps.Output;

namespace Dsl.ModelFusion.Studies;

/// <summary>A fused study: the fused model (owned: dispose the result), the table's facts as recorded in the study, and the soup's steps.</summary>
/// <typeparam name="TFused">The fused model: an <see cref="Ensembles.IEnsemble"/>, or the sweep's model for a soup.</typeparam>
public sealed class StudyFusionResult<TFused> : IDisposable where TFused : IDisposable
{
    internal StudyFusionResult(TFused model, FusionRecord record, SoupReport? soup, string? sweepDirectory)
    {
        Model = model;
        Record = record;
        Soup = soup;
        SweepDirectory = sweepDirectory;
    }

    /// <summary>The sweep's output folder (where its report is), when the trials' checkpoints are kept in it; else null.</summary>
    public string? SweepDirectory { get; }

    /// <summary>The fused model; the result owns it.</summary>
    public TFused Model { get; }

    /// <summary>Each member's and the fusion's accuracies and inference cost, and where the fusion was saved.</summary>
    public FusionRecord Record { get; }

    /// <summary>A greedy soup's steps (indices into <see cref="FusionRecord.Members"/>); null for an ensemble.</summary>
    public SoupReport? Soup { get; }

    /// <summary>The best member's test accuracy, or its validation accuracy when the data had no test set.</summary>
    public double BestSingleAccuracy => Record.BestMember is { } best ? best.TestAccuracy ?? best.ValidationAccuracy : double.NaN;

    /// <summary>The fusion's test accuracy, or its validation accuracy when the data had no test set.</summary>
    public double FusionAccuracy => Record.Fusion.TestAccuracy ?? Record.Fusion.ValidationAccuracy;

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
