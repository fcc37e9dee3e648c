using Dsl.Generator.Helpers;

namespace Dsl.Generator.Model;

/// <summary>Everything the generator needs to know about one [Model] class, as plain equatable data.</summary>
internal sealed record ModelSpec(
    string? Namespace,
    string ClassName,
    string FullyQualifiedName,
    EquatableArray<int> InputShape,
    int Outputs,
    EquatableArray<HyperparameterSpec> Hyperparameters,
    ForwardSpec? Forward,
    EquatableArray<LayerSpec> Layers,
    LocationInfo? Location)
{
    /// <summary>Deterministic file name: the sanitized full type name plus the part.</summary>
    public string HintName(string part) =>
        (Namespace is null ? ClassName : Namespace + "." + ClassName) + "." + part + ".g.cs";
}

/// <summary>The user's declared entry method, implemented as the module's forward.</summary>
internal sealed record ForwardSpec(string Modifiers, string Name, string ParameterName, LocationInfo? Location);

/// <summary>The result of parsing one class: a model when it could be read, and the diagnostics found on the way.</summary>
internal sealed record ParsedModel(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A parsed model with the inferred shape of every layer and the diagnostics of the shape check.</summary>
internal sealed record CheckedModel(ModelSpec Model, EquatableArray<LayerShape> Shapes, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Count > 0;
}
