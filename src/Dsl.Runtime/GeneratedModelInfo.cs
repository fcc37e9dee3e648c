using System.Reflection;
using Dsl.Search;
using static TorchSharp.torch;

namespace Dsl;

/// <summary>
/// What the trainer and checkpoints can learn about a module without knowing its static type: whether it is a
/// generated model, its declared input shape and its hyperparameters.
/// </summary>
internal sealed record GeneratedModelInfo(string TypeName, string DisplayName, IReadOnlyList<long>? InputShape, IHyperparameters? Hyperparameters)
{
    public static GeneratedModelInfo Describe(nn.Module model)
    {
        var type = model.GetType();
        var generated = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGeneratedModel<,>));
        if (generated is null) return new GeneratedModelInfo(type.FullName ?? type.Name, type.Name, null, null);

        // Static abstract members cannot be read through the interface; the generated class exposes them publicly.
        var inputShape = type.GetProperty(nameof(IGeneratedModel<,>.InputShape), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyList<long>;
        var hyperparameters = generated.GetProperty(nameof(IGeneratedModel<,>.HyperparameterValues))?.GetValue(model) as IHyperparameters;
        return new GeneratedModelInfo(type.FullName ?? type.Name, type.Name, inputShape, hyperparameters);
    }
}
