using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Soups;

/// <summary>Builds the fresh model a soup's weights go into: the caller's factory, or the first member's generated type and hyperparameters.</summary>
internal static class SoupModels
{
    public static TModel CreateLike<TModel>(TModel member, Func<nn.Module>? create) where TModel : nn.Module
    {
        var made = create is null ? CreateGenerated(member) : create();
        if (made is not TModel typed)
        {
            var madeType = made?.GetType().Name ?? "null";
            made?.Dispose();
            throw new FusionException($"SoupOptions.CreateModel made a {madeType}, but the soup's members are {typeof(TModel).Name}.");
        }
        var device = DeviceOf(member);
        if (device is not null) typed.to(device);
        typed.train(member.training);
        return typed;
    }

    /// <summary>The device of the module's first parameter or buffer; null for a module without any.</summary>
    public static Device? DeviceOf(nn.Module module) => module.state_dict().Values.FirstOrDefault()?.device;

    private static nn.Module CreateGenerated(nn.Module member)
    {
        var type = member.GetType();
        var generated = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGeneratedModel<,>))
            ?? throw new FusionException(
                $"{type.Name} is not a generated model, so the soup cannot build another one; pass SoupOptions.CreateModel.");
        var hyperparameterType = generated.GetGenericArguments()[1];
        var hyperparameters = generated.GetProperty(nameof(IGeneratedModel<,>.HyperparameterValues))!.GetValue(member);
        // Static abstract members cannot be called through the interface type; the generated class declares Create publicly.
        var factory = type.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, [hyperparameterType])
            ?? throw new FusionException($"{type.Name} has no public static Create({hyperparameterType.Name}); pass SoupOptions.CreateModel.");
        try
        {
            return (nn.Module)factory.Invoke(null, [hyperparameters])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new FusionException($"{type.Name}.Create failed for the soup: {e.InnerException.Message}", e.InnerException);
        }
    }
}
