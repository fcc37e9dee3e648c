using Dsl.Training;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

// Typed entry points per arity, so the result is the module Trainer.Evaluate takes for those inputs.
public static partial class Ensemble
{
    /// <summary>A uniform ensemble of single-input models; see <see cref="Uniform(IReadOnlyList{nn.Module})"/>.</summary>
    public static EnsembleModel Uniform(IReadOnlyList<nn.Module<Tensor, Tensor>> models) => (EnsembleModel)Uniform(Modules(models));

    /// <summary>A weighted ensemble of single-input models; see <see cref="FitWeighted(IReadOnlyList{nn.Module}, TensorDataset)"/>.</summary>
    public static EnsembleModel FitWeighted(IReadOnlyList<nn.Module<Tensor, Tensor>> models, TensorDataset validation) =>
        (EnsembleModel)FitWeighted(Modules(models), validation);

    /// <summary>A stacking ensemble of single-input models; see <see cref="FitStacking(IReadOnlyList{nn.Module}, TensorDataset, int, double, int)"/>.</summary>
    public static EnsembleModel FitStacking(IReadOnlyList<nn.Module<Tensor, Tensor>> models, TensorDataset validation, int folds = 5, double l2 = 1e-3, int seed = 0) =>
        (EnsembleModel)FitStacking(Modules(models), validation, folds, l2, seed);

    /// <summary>A uniform ensemble of 2-input models; see <see cref="Uniform(IReadOnlyList{nn.Module})"/>.</summary>
    public static EnsembleModel2 Uniform(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor>> models) => (EnsembleModel2)Uniform(Modules(models));

    /// <summary>A weighted ensemble of 2-input models; see <see cref="FitWeighted(IReadOnlyList{nn.Module}, TensorDataset)"/>.</summary>
    public static EnsembleModel2 FitWeighted(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor>> models, TensorDataset validation) =>
        (EnsembleModel2)FitWeighted(Modules(models), validation);

    /// <summary>A stacking ensemble of 2-input models; see <see cref="FitStacking(IReadOnlyList{nn.Module}, TensorDataset, int, double, int)"/>.</summary>
    public static EnsembleModel2 FitStacking(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor>> models, TensorDataset validation, int folds = 5, double l2 = 1e-3, int seed = 0) =>
        (EnsembleModel2)FitStacking(Modules(models), validation, folds, l2, seed);

    /// <summary>A uniform ensemble of 3-input models; see <see cref="Uniform(IReadOnlyList{nn.Module})"/>.</summary>
    public static EnsembleModel3 Uniform(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor>> models) => (EnsembleModel3)Uniform(Modules(models));

    /// <summary>A weighted ensemble of 3-input models; see <see cref="FitWeighted(IReadOnlyList{nn.Module}, TensorDataset)"/>.</summary>
    public static EnsembleModel3 FitWeighted(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation) =>
        (EnsembleModel3)FitWeighted(Modules(models), validation);

    /// <summary>A stacking ensemble of 3-input models; see <see cref="FitStacking(IReadOnlyList{nn.Module}, TensorDataset, int, double, int)"/>.</summary>
    public static EnsembleModel3 FitStacking(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation, int folds = 5, double l2 = 1e-3, int seed = 0) =>
        (EnsembleModel3)FitStacking(Modules(models), validation, folds, l2, seed);

    /// <summary>A uniform ensemble of 4-input models; see <see cref="Uniform(IReadOnlyList{nn.Module})"/>.</summary>
    public static EnsembleModel4 Uniform(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>> models) => (EnsembleModel4)Uniform(Modules(models));

    /// <summary>A weighted ensemble of 4-input models; see <see cref="FitWeighted(IReadOnlyList{nn.Module}, TensorDataset)"/>.</summary>
    public static EnsembleModel4 FitWeighted(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation) =>
        (EnsembleModel4)FitWeighted(Modules(models), validation);

    /// <summary>A stacking ensemble of 4-input models; see <see cref="FitStacking(IReadOnlyList{nn.Module}, TensorDataset, int, double, int)"/>.</summary>
    public static EnsembleModel4 FitStacking(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation, int folds = 5, double l2 = 1e-3, int seed = 0) =>
        (EnsembleModel4)FitStacking(Modules(models), validation, folds, l2, seed);

    /// <summary>A uniform ensemble of 5-input models; see <see cref="Uniform(IReadOnlyList{nn.Module})"/>.</summary>
    public static EnsembleModel5 Uniform(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>> models) => (EnsembleModel5)Uniform(Modules(models));

    /// <summary>A weighted ensemble of 5-input models; see <see cref="FitWeighted(IReadOnlyList{nn.Module}, TensorDataset)"/>.</summary>
    public static EnsembleModel5 FitWeighted(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation) =>
        (EnsembleModel5)FitWeighted(Modules(models), validation);

    /// <summary>A stacking ensemble of 5-input models; see <see cref="FitStacking(IReadOnlyList{nn.Module}, TensorDataset, int, double, int)"/>.</summary>
    public static EnsembleModel5 FitStacking(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation, int folds = 5, double l2 = 1e-3, int seed = 0) =>
        (EnsembleModel5)FitStacking(Modules(models), validation, folds, l2, seed);

    /// <summary>A uniform ensemble of 6-input models; see <see cref="Uniform(IReadOnlyList{nn.Module})"/>.</summary>
    public static EnsembleModel6 Uniform(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>> models) => (EnsembleModel6)Uniform(Modules(models));

    /// <summary>A weighted ensemble of 6-input models; see <see cref="FitWeighted(IReadOnlyList{nn.Module}, TensorDataset)"/>.</summary>
    public static EnsembleModel6 FitWeighted(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation) =>
        (EnsembleModel6)FitWeighted(Modules(models), validation);

    /// <summary>A stacking ensemble of 6-input models; see <see cref="FitStacking(IReadOnlyList{nn.Module}, TensorDataset, int, double, int)"/>.</summary>
    public static EnsembleModel6 FitStacking(IReadOnlyList<nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor>> models, TensorDataset validation, int folds = 5, double l2 = 1e-3, int seed = 0) =>
        (EnsembleModel6)FitStacking(Modules(models), validation, folds, l2, seed);

    private static nn.Module[] Modules<TModule>(IReadOnlyList<TModule> models) where TModule : nn.Module =>
        models is null ? throw new ArgumentNullException(nameof(models)) : [.. models];
}
