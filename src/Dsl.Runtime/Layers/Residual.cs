using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>A residual connection: body(x) + shortcut(x), where the shortcut projects only when shapes differ.</summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> body;
    private readonly nn.Module<Tensor, Tensor> shortcut;

    /// <summary>Wraps <paramref name="body"/>; <paramref name="shortcut"/> is null for the identity.</summary>
    public Residual(nn.Module<Tensor, Tensor> body, nn.Module<Tensor, Tensor>? shortcut = null) : base(nameof(Residual))
    {
        this.body = body ?? throw new ArgumentNullException(nameof(body));
        this.shortcut = shortcut ?? nn.Identity();
        RegisterComponents();
    }

    /// <summary>The wrapped block without the skip connection.</summary>
    public nn.Module<Tensor, Tensor> Body => body;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return (body.call(input) + shortcut.call(input)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            shortcut.Dispose();
            ClearModules();
        }
        base.Dispose(disposing);
    }
}
