namespace Dsl.Generator;

/// <summary>Metadata names and fully qualified type names the generator reads and writes.</summary>
internal static class TypeNames
{
    public const string ModelAttribute = "Dsl.ModelAttribute";
    public const string SweepAttribute = "Dsl.SweepAttribute";
    public const string HyperparameterAttribute = "Dsl.HyperparameterAttribute";
    public const string WhenAttribute = "Dsl.WhenAttribute";
    public const string ShapeAttribute = "Dsl.ShapeAttribute";
    public const string ExcludeFromSearchAttribute = "Dsl.ExcludeFromSearchAttribute";
    public const string LayerAttributeBase = "Dsl.LayerAttribute";
    public const string FrozenAttribute = "Dsl.FrozenAttribute";
    public const string ActivationEnum = "Dsl.Activation";
    public const string SequencePoolingEnum = "Dsl.SequencePooling";
    public const string TorchTensor = "TorchSharp.torch.Tensor";
    /// <summary>In the optional Dsl.CommandLine package: a sweep gets <c>RunCommandLineAsync</c> only when it is referenced.</summary>
    public const string SweepCommandLine = "Dsl.CommandLine.SweepCommandLine";

    /// <summary>In the optional Dsl.ModelFusion package: a sweep gets <c>EnsembleTopAsync</c> and <c>SoupTopAsync</c> only when it is referenced.</summary>
    public const string StudyFusion = "Dsl.ModelFusion.Studies.StudyFusion";
    public const string TrainingOptions = "Dsl.Training.TrainingOptions";
    public const string ObjectiveTrial = "Dsl.Sweeps.ObjectiveTrial";

    /// <summary>The static method <c>T For(E)</c> through which an option of type T is set from an enum E hyperparameter.</summary>
    public const string OptionConversionMethod = "For";

    public const string Tensor = "global::TorchSharp.torch.Tensor";
    public const string Torch = "global::TorchSharp.torch";
    public const string Nn = "global::TorchSharp.torch.nn";
    public const string TensorModule = "global::TorchSharp.torch.nn.Module<global::TorchSharp.torch.Tensor, global::TorchSharp.torch.Tensor>";
    public const string FrozenModulesAttribute = "global::Dsl.FineTuning.FrozenModulesAttribute";
    public const string OutputLayerAttribute = "global::Dsl.Compression.OutputLayerAttribute";
    public const string Search = "global::Dsl.Search";
    public const string StudyDirection = "global::Dsl.Search.Trials.StudyDirection";
}

/// <summary>Names of the incremental pipeline steps, used by caching tests.</summary>
internal static class TrackingNames
{
    public const string ModelSources = nameof(ModelSources);
    public const string DeclaredTypes = nameof(DeclaredTypes);
    public const string GlobalUsings = nameof(GlobalUsings);
    public const string ParsedModels = nameof(ParsedModels);
    public const string CheckedModels = nameof(CheckedModels);
    public const string Diagnostics = nameof(Diagnostics);
    public const string AnyModel = nameof(AnyModel);
    public const string ModuleInitializerWanted = nameof(ModuleInitializerWanted);
    public const string ParsedSweeps = nameof(ParsedSweeps);
}
