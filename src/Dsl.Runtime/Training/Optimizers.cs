using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>Creates the TorchSharp optimizer an <see cref="OptimizerKind"/> names, and sets its learning rate per step.</summary>
internal static class Optimizers
{
    /// <summary>
    /// The optimizer over <paramref name="parameters"/>; those also in <paramref name="head"/> form a second parameter
    /// group at <see cref="TrainingOptions.HeadLearningRate"/>.
    /// </summary>
    public static optim.Optimizer Create(TrainingOptions options, IReadOnlyList<Parameter> parameters, IReadOnlyCollection<Parameter>? head = null)
    {
        var lr = options.LearningRate;
        var decay = options.WeightDecay;
        if (head is null || head.Count == 0)
            return options.Optimizer switch
            {
                OptimizerKind.Sgd => optim.SGD(parameters, lr, momentum: options.Momentum, weight_decay: decay, nesterov: options.Nesterov),
                OptimizerKind.Adam => optim.Adam(parameters, lr, options.Beta1, options.Beta2, weight_decay: decay),
                OptimizerKind.AdamW => optim.AdamW(parameters, lr, options.Beta1, options.Beta2, weight_decay: decay),
                OptimizerKind.NAdam => optim.NAdam(parameters, lr, options.Beta1, options.Beta2, weight_decay: decay),
                OptimizerKind.RMSprop => optim.RMSProp(parameters, lr, weight_decay: decay, momentum: options.Momentum),
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
            };

        // The body group comes first; SetLearningRate relies on that order. An empty body (all but the head frozen) is left out.
        var body = parameters.Where(p => !head.Contains(p)).ToArray();
        var rates = (Body: lr, Head: options.HeadLearningRate ?? lr);
        IEnumerable<T> Groups<T>(Func<IEnumerable<Parameter>, double, T> group) =>
            body.Length == 0 ? [group(head, rates.Head)] : [group(body, rates.Body), group(head, rates.Head)];
        return options.Optimizer switch
        {
            OptimizerKind.Sgd => optim.SGD(Groups((p, r) => new SGD.ParamGroup(p, r, options.Momentum, 0, decay, options.Nesterov, false)), lr),
            OptimizerKind.Adam => optim.Adam(Groups((p, r) => new Adam.ParamGroup(p, r, options.Beta1, options.Beta2, 1e-8, decay, false, false)), lr),
            OptimizerKind.AdamW => optim.AdamW(Groups((p, r) => new AdamW.ParamGroup(p, r, options.Beta1, options.Beta2, 1e-8, decay, false, false)), lr),
            OptimizerKind.NAdam => optim.NAdam(Groups((p, r) => new NAdam.ParamGroup(p, r, options.Beta1, options.Beta2, 1e-8, decay, 4e-3)), lr),
            OptimizerKind.RMSprop => optim.RMSProp(Groups((p, r) => new RMSProp.ParamGroup(p, r, 1e-8, 0.99, decay, options.Momentum, false)), lr),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
        };
    }

    /// <summary>Sets the step's learning rate; a head group keeps its ratio to the base rate, so schedules scale both alike.</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double learningRate, TrainingOptions options)
    {
        var groups = optimizer.ParamGroups.ToArray();
        var headRate = learningRate * (options.HeadLearningRate ?? options.LearningRate) / options.LearningRate;
        for (var i = 0; i < groups.Length; i++)
            groups[i].LearningRate = i == groups.Length - 1 && options.HeadLayers is not null ? headRate : learningRate;
    }
}
