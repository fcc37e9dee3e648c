using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Training;

/// <summary>One way to call modules of one to six inputs: the trainer works on an array of input tensors.</summary>
internal sealed class ModelAdapter
{
    /// <summary>The most inputs a TorchSharp module takes: <c>Module&lt;T1, ..., T6, TResult&gt;</c>.</summary>
    public const int MaxInputs = 6;

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

    public static ModelAdapter From(nn.Module<Tensor, Tensor> module) => new(module, 1, x => module.call(x[0]));

    public static ModelAdapter From(nn.Module<Tensor, Tensor, Tensor> module) => new(module, 2, x => module.call(x[0], x[1]));

    public static ModelAdapter From(nn.Module<Tensor, Tensor, Tensor, Tensor> module) => new(module, 3, x => module.call(x[0], x[1], x[2]));

    public static ModelAdapter From(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor> module) =>
        new(module, 4, x => module.call(x[0], x[1], x[2], x[3]));

    public static ModelAdapter From(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> module) =>
        new(module, 5, x => module.call(x[0], x[1], x[2], x[3], x[4]));

    public static ModelAdapter From(nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> module) =>
        new(module, 6, x => module.call(x[0], x[1], x[2], x[3], x[4], x[5]));

    /// <summary>Adapts a module whose arity is known only at run time (a generic sweep's model, a checkpoint's).</summary>
    /// <exception cref="ArgumentException">The module does not take one to six tensors to a tensor.</exception>
    public static ModelAdapter FromAny(nn.Module module) => module switch
    {
        nn.Module<Tensor, Tensor> one => From(one),
        nn.Module<Tensor, Tensor, Tensor> two => From(two),
        nn.Module<Tensor, Tensor, Tensor, Tensor> three => From(three),
        nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor> four => From(four),
        nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> five => From(five),
        nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor> six => From(six),
        _ => throw new ArgumentException(
            $"{module.GetType().Name} is not a module from tensors to a tensor; the trainer takes nn.Module<Tensor, ..., Tensor> with 1 to {MaxInputs} tensor inputs.",
            nameof(module)),
    };

    public Tensor Forward(Tensor[] inputs) => forward(inputs);
}
