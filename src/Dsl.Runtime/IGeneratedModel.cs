using Dsl.Search;
using static TorchSharp.torch;

namespace Dsl;

/// <summary>What every generated model offers, so trainers and sweeps can build and inspect any of them generically.</summary>
public interface IGeneratedModel<TSelf, THyperparameters>
    where TSelf : nn.Module, IGeneratedModel<TSelf, THyperparameters>
    where THyperparameters : IHyperparameters<THyperparameters>
{
    /// <summary>Builds the model for the given hyperparameters.</summary>
    static abstract TSelf Create(THyperparameters hyperparameters);

    /// <summary>The shape of one input sample, without the batch dimension.</summary>
    static abstract IReadOnlyList<long> InputShape { get; }

    /// <summary>The hyperparameters this instance was built with.</summary>
    THyperparameters HyperparameterValues { get; }
}
