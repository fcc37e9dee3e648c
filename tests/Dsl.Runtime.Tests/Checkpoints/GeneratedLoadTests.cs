using Dsl.Checkpoints;
using Dsl.Runtime.Tests.Layers;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Checkpoints;

public class GeneratedLoadTests
{
    [Fact]
    public void GeneratedLoadRebuildsTheExactModel()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dsl-load-{Guid.NewGuid():N}.pt");
        try
        {
            using var scope = NewDisposeScope();
            using var original = new ResidualProbe(new ResidualProbe.Hyperparameters { Depth = 2 });
            Checkpoint.Save<ResidualProbe, ResidualProbe.Hyperparameters>(original, path);

            using var loaded = ResidualProbe.Load(path);
            Assert.Equal(2, loaded.HyperparameterValues.Depth);
            original.eval();
            loaded.eval();
            var input = randn(5, 6);
            Assert.True(original.call(input).allclose(loaded.call(input), rtol: 0, atol: 0));
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*")) File.Delete(file);
        }
    }
}
