using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>Creates the TorchSharp module for an <see cref="Activation"/>; generated code calls it for searchable activations.</summary>
public static class Activations
{
    /// <summary>Returns a new module that applies <paramref name="activation"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(Activation activation) => activation switch
    {
        Activation.ReLU => nn.ReLU(),
        Activation.GELU => nn.GELU(),
        Activation.SiLU => nn.SiLU(),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.LeakyReLU => nn.LeakyReLU(0.01),
        Activation.ELU => nn.ELU(),
        Activation.Softmax => nn.Softmax(-1),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
