using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Layers;

/// <summary>Builders for repeated blocks; generated code calls them.</summary>
public static class Blocks
{
    /// <summary>A sequence of <paramref name="count"/> independently initialised copies made by <paramref name="create"/>.</summary>
    public static Sequential Repeat(long count, Func<nn.Module<Tensor, Tensor>> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A repeated block needs at least one copy.");
        var copies = new (string, nn.Module<Tensor, Tensor>)[count];
        for (var i = 0; i < count; i++) copies[i] = (i.ToString(System.Globalization.CultureInfo.InvariantCulture), create());
        return nn.Sequential(copies);
    }
}
