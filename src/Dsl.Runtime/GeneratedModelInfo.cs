using Dsl.Search;
using static TorchSharp.torch;

namespace Dsl;

/// <summary>
/// What the trainer, checkpoints and fusion can learn about a module without knowing its static type: its type name
/// and, for a generated model, its hyperparameters. (Input shapes are checked by the generated Forward itself.)
/// </summary>
internal sealed record GeneratedModelInfo(string TypeName, string DisplayName, IHyperparameters? Hyperparameters)
{
    public static GeneratedModelInfo Describe(nn.Module model)
    {
        var type = model.GetType();
        var generated = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGeneratedModel<,>));
        var hyperparameters = generated?.GetProperty(nameof(IGeneratedModel<,>.HyperparameterValues))?.GetValue(model) as IHyperparameters;
        return new GeneratedModelInfo(type.FullName ?? type.Name, type.Name, hyperparameters);
    }
}
