using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>Creates the TorchSharp optimizer an <see cref="OptimizerKind"/> names, and sets its learning rate per step.</summary>
internal static class Optimizers
{
    public static optim.Optimizer Create(TrainingOptions options, IReadOnlyList<Parameter> parameters)
    {
        var lr = options.LearningRate;
        var decay = options.WeightDecay;
        return options.Optimizer switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, lr, momentum: options.Momentum, weight_decay: decay, nesterov: options.Nesterov),
            OptimizerKind.Adam => optim.Adam(parameters, lr, options.Beta1, options.Beta2, weight_decay: decay),
            OptimizerKind.AdamW => optim.AdamW(parameters, lr, options.Beta1, options.Beta2, weight_decay: decay),
            OptimizerKind.NAdam => optim.NAdam(parameters, lr, options.Beta1, options.Beta2, weight_decay: decay),
            OptimizerKind.RMSprop => optim.RMSProp(parameters, lr, weight_decay: decay, momentum: options.Momentum),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
        };
    }

    public static void SetLearningRate(optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = learningRate;
    }
}
