using Dsl.Generator.Diagnostics;
using Dsl.Generator.Helpers;

namespace Dsl.Generator.Model;

/// <summary>Everything the generator needs to know about one [Sweep] class, as plain equatable data.</summary>
/// <param name="ModelType">The model the sweep trains, or null for a sweep of the class's own <c>ObjectiveAsync</c>.</param>
/// <param name="HasCommandLine">Whether the project references Dsl.CommandLine, which <c>RunCommandLineAsync</c> calls.</param>
internal sealed record SweepSpec(
    string? Namespace,
    string ClassName,
    string? ModelType,
    string Metric,
    string Direction,
    int Epochs,
    EquatableArray<HyperparameterSpec> Hyperparameters,
    EquatableArray<TrainingOptionBinding> Bindings,
    LocationInfo? Location,
    bool HasCommandLine)
{
    /// <summary>Whether the model has a generated module (or the objective method is usable); when not, the driver leaves out what names it.</summary>
    public bool ModelUsable { get; init; } = true;

    /// <summary>A sweep of user code: the most steps its objective reports (the pruners' budget).</summary>
    public int Steps { get; init; } = 1;

    /// <summary>Whether the project references Dsl.ModelFusion, which <c>EnsembleTopAsync</c> and <c>SoupTopAsync</c> call.</summary>
    public bool HasFusion { get; init; }

    /// <summary>Throwing implementations of the partial properties the parser rejected.</summary>
    public EquatableArray<string> Stubs { get; init; } = EquatableArray<string>.Empty;

    public string HintName(string part) => (Namespace is null ? ClassName : Namespace + "." + ClassName) + "." + part + ".g.cs";
}

/// <summary>How one sweep hyperparameter sets a TrainingOptions property; <paramref name="Conversion"/> is a format whose {0} stands for the value.</summary>
internal sealed record TrainingOptionBinding(string Hyperparameter, string Option, string Conversion);

/// <summary>The result of parsing one sweep class.</summary>
internal sealed record ParsedSweep(SweepSpec? Sweep, EquatableArray<DiagnosticInfo> Diagnostics);
