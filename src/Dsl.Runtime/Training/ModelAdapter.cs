using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>One way to call single- and multi-input modules: the trainer works on a list of input tensors.</summary>
internal sealed class ModelAdapter
{
    private readonly Func<Tensor[], Tensor> forward;

    private ModelAdapter(nn.Module module, int inputCount, Func<Tensor[], Tensor> forward)
    {
        Module = module;
        InputCount = inputCount;
        this.forward = forward;
        Info = GeneratedModelInfo.Describe(module);
    }

    public nn.Module Module { get; }

    public int InputCount { get; }

    public GeneratedModelInfo Info { get; }

    public string Name => Info.DisplayName;

    public static ModelAdapter From(nn.Module<Tensor, Tensor> module) => new(module, 1, inputs => module.call(inputs[0]));

    public static ModelAdapter From(nn.Module<Tensor, Tensor, Tensor> module) => new(module, 2, inputs => module.call(inputs[0], inputs[1]));

    /// <summary>Adapts a module whose arity is known only at run time (a generic sweep's model).</summary>
    /// <exception cref="ArgumentException">The module does not take one or two tensors to a tensor.</exception>
    public static ModelAdapter FromAny(nn.Module module) => module switch
    {
        nn.Module<Tensor, Tensor> single => From(single),
        nn.Module<Tensor, Tensor, Tensor> pair => From(pair),
        _ => throw new ArgumentException(
            $"{module.GetType().Name} is not a module from one or two tensors to a tensor; the trainer takes nn.Module<Tensor, Tensor> or nn.Module<Tensor, Tensor, Tensor>.",
            nameof(module)),
    };

    public Tensor Forward(Tensor[] inputs) => forward(inputs);
}
