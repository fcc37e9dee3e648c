using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.ModelFusion.Ensembles;

/// <summary>
/// The members and the fitted combination that every arity's ensemble module wraps: mixture log-weights (uniform,
/// weighted) or a linear meta-learner on the members' concatenated log-probabilities (stacking).
/// </summary>
internal sealed class EnsembleCore : nn.Module
{
    /// <summary>Log-probabilities are clamped here before stacking, so a member's certain zero cannot make the linear layer NaN.</summary>
    public const double MinLogProbability = -100;

    private readonly TorchSharp.Modules.ModuleList<nn.Module> members;
    private readonly ModelAdapter[] adapters;

    public EnsembleCore(IReadOnlyList<nn.Module> members, EnsembleCombination combination, EnsembleValidation? validation) : base("Ensemble")
    {
        Method = combination.Method;
        adapters = [.. members.Select(m => ModelAdapter.FromAny(m))];
        InputCount = adapters[0].InputCount;
        Combination = combination;
        Validation = validation;
        this.members = nn.ModuleList([.. members]);
        register_module("members", this.members);
        if (combination.Method == EnsembleMethod.Stacking)
        {
            register_buffer("meta_weight", tensor(combination.MetaWeight!, [combination.MetaWeight!.Length / combination.ClassCount, combination.ClassCount]));
            register_buffer("meta_bias", tensor(combination.MetaBias!));
        }
        else
        {
            register_buffer("log_weights", tensor(combination.LogWeights!).view(-1, 1, 1));
        }
    }

    public EnsembleMethod Method { get; }

    public int InputCount { get; }

    public EnsembleCombination Combination { get; }

    public EnsembleValidation? Validation { get; }

    public IReadOnlyList<nn.Module> Members => [.. members];

    public IReadOnlyList<ModelAdapter> Adapters => adapters;

    public Tensor Forward(Tensor[] inputs)
    {
        if (inputs.Length != InputCount)
            throw new ArgumentException($"The ensemble's members take {InputCount} input(s), but {inputs.Length} were given.", nameof(inputs));
        using var scope = NewDisposeScope();
        var logProbabilities = MemberLogProbabilities(adapters, inputs);
        Tensor fused;
        if (Method == EnsembleMethod.Stacking)
        {
            var features = cat(logProbabilities.Select(p => p.clamp_min(MinLogProbability)).ToArray(), 1);
            fused = nn.functional.log_softmax(features.matmul(get_buffer("meta_weight")!).add(get_buffer("meta_bias")!), 1);
        }
        else
        {
            fused = stack(logProbabilities, 0).add(get_buffer("log_weights")!).logsumexp(0);
        }
        return fused.MoveToOuterDisposeScope();
    }

    /// <summary>Each member's log-probabilities for one batch, checked to agree on the number of classes.</summary>
    public static Tensor[] MemberLogProbabilities(IReadOnlyList<ModelAdapter> adapters, Tensor[] inputs)
    {
        var result = new Tensor[adapters.Count];
        for (var m = 0; m < adapters.Count; m++)
        {
            var output = adapters[m].Forward(inputs);
            if (output.shape.Length != 2)
                throw new FusionException(
                    $"Ensemble member {m} ({adapters[m].Name}) outputs shape [{string.Join(", ", output.shape)}]; ensembles fuse classifiers whose outputs are [batch, classes] scores.");
            if (m > 0 && output.shape[1] != result[0].shape[1])
                throw new FusionException(
                    $"Ensemble member {m} ({adapters[m].Name}) predicts {output.shape[1]} classes, but member 0 ({adapters[0].Name}) predicts {result[0].shape[1]}; every member must predict the same classes.");
            result[m] = nn.functional.log_softmax(output, 1);
        }
        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var member in members) member.Dispose();
            members.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A fitted combination, as stored in the manifest: float32 values exactly as the forward pass uses them.</summary>
internal sealed record EnsembleCombination(EnsembleMethod Method, int ClassCount, float[]? LogWeights, float[]? MetaWeight, float[]? MetaBias, double[] Shares);
