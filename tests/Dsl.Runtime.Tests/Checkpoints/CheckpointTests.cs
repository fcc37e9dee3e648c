using System.Text.Json;
using Dsl.Checkpoints;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Checkpoints;

[Collection(TorchTrainingCollection.Name)]
public sealed class CheckpointTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("dsl-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string PathOf(string name) => Path.Combine(directory, name);

    [Fact]
    public void Load_rebuilds_the_exact_model_from_its_hyperparameters_and_weights()
    {
        using var model = Trainer.CreateModel<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(
            new TinyDropoutNet.Hyperparameters { Hidden = 12, DropoutRate = 0.125, Act = Dsl.Activation.GELU }, seed: 3);
        var path = PathOf("tiny.ckpt");

        Checkpoint.Save<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(model, path);
        using var loaded = Checkpoint.Load<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(path);

        Assert.Equal(model.HyperparameterValues, loaded.HyperparameterValues);
        Assert.True(Weights.Equal(Weights.Of(model), Weights.Of(loaded)));
        using var input = randn(5, 4);
        model.eval();
        loaded.eval();
        using var expected = model.call(input);
        using var actual = loaded.call(input);
        Assert.True(expected.eq(actual).all().item<bool>());
    }

    [Fact]
    public void The_sidecar_is_readable_json_with_enums_by_name()
    {
        using var model = new TinyDropoutNet(new TinyDropoutNet.Hyperparameters { Act = Dsl.Activation.SiLU, DropoutRate = 0.1 });
        var path = PathOf("named.ckpt");

        Checkpoint.Save<TinyDropoutNet, TinyDropoutNet.Hyperparameters>(model, path,
            new CheckpointInfo { Epoch = 4, Metrics = new Dictionary<string, double> { ["validation_accuracy"] = 0.875 }, Normalization = new Normalization([0.5], [0.25]) });

        using var json = JsonDocument.Parse(File.ReadAllText(Checkpoint.MetadataPath(path)));
        var root = json.RootElement;
        Assert.Equal("dsl-checkpoint", root.GetProperty("format").GetString());
        Assert.Equal(typeof(TinyDropoutNet).FullName, root.GetProperty("modelType").GetString());
        Assert.Equal("SiLU", root.GetProperty("hyperparameters").GetProperty("Act").GetString());
        Assert.Equal(16, root.GetProperty("hyperparameters").GetProperty("Hidden").GetInt64());
        Assert.Equal(0.1, root.GetProperty("hyperparameters").GetProperty("DropoutRate").GetDouble());

        var metadata = Checkpoint.ReadMetadata(path);
        Assert.Equal(4, metadata.Epoch);
        Assert.Equal(0.875, metadata.Metrics["validation_accuracy"]);
        Assert.Equal(new Normalization([0.5], [0.25]), metadata.Normalization);
        Assert.Equal(model.parameters().Sum(p => p.numel()), metadata.ParameterCount);
        Assert.False(metadata.IsResumable);
    }

    [Fact]
    public void The_weights_file_is_a_plain_torchsharp_state_dict()
    {
        using var model = new TinyNet();
        var path = PathOf("plain.ckpt");
        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(model, path);

        using var other = new TinyNet();
        other.load(path);

        Assert.True(Weights.Equal(Weights.Of(model), Weights.Of(other)));
    }

    [Fact]
    public void A_missing_sidecar_or_weights_file_is_named()
    {
        using var model = new TinyNet();
        var path = PathOf("gone.ckpt");

        var nothing = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(path));
        Assert.Contains(path, nothing.Message);

        model.save(path);
        var noSidecar = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(path));
        Assert.Equal(Checkpoint.MetadataPath(path), noSidecar.Path);
        Assert.Contains("metadata", noSidecar.Message);

        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(model, path);
        File.Delete(path);
        var noWeights = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(path));
        Assert.Equal(path, noWeights.Path);
        Assert.Contains("weights", noWeights.Message);
    }

    [Fact]
    public void Loading_as_another_model_type_names_both()
    {
        using var model = new TinyNet();
        var path = PathOf("typed.ckpt");
        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(model, path);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyRegressor, TinyRegressor.Hyperparameters>(path));

        Assert.Contains(typeof(TinyNet).FullName!, error.Message);
        Assert.Contains(typeof(TinyRegressor).FullName!, error.Message);
    }

    [Fact]
    public void Weights_that_do_not_fit_name_the_parameter_and_both_shapes()
    {
        using var model = new TinyNet(new TinyNet.Hyperparameters { Hidden = 8 });
        var path = PathOf("mismatch.ckpt");
        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(model, path);
        // Claim a different architecture than the weights were saved with.
        var sidecar = Checkpoint.MetadataPath(path);
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("\"Hidden\": 8", "\"Hidden\": 6"));

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(path));

        Assert.Equal(path, error.Path);
        Assert.Contains("is [8, 4] in the file but [6, 4] in the model", error.Message);
        Assert.Contains("Hidden = 6", error.Message);
    }

    [Fact]
    public void Hyperparameters_out_of_range_are_a_checkpoint_error()
    {
        using var model = new TinyNet();
        var path = PathOf("range.ckpt");
        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(model, path);
        var sidecar = Checkpoint.MetadataPath(path);
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("\"Hidden\": 8", "\"Hidden\": 99"));

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(path));

        Assert.Contains("Hidden", error.Message);
        Assert.Equal(sidecar, error.Path);
    }

    [Fact]
    public void A_corrupt_weights_file_is_reported_as_such()
    {
        using var model = new TinyNet();
        var path = PathOf("corrupt.ckpt");
        Checkpoint.Save<TinyNet, TinyNet.Hyperparameters>(model, path);
        File.WriteAllBytes(path, [1, 2, 3]);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Load<TinyNet, TinyNet.Hyperparameters>(path));

        Assert.Contains("is not a TorchSharp state-dict file", error.Message);
    }

    [Fact]
    public void A_sidecar_that_is_not_ours_is_rejected()
    {
        var path = PathOf("foreign.ckpt");
        File.WriteAllText(Checkpoint.MetadataPath(path), "{\"hello\": 1}");
        File.WriteAllBytes(path, [0]);

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.ReadMetadata(path));

        Assert.Contains("not a Dsl checkpoint sidecar", error.Message);
    }

    [Fact]
    public void Load_weights_into_a_hand_written_module_checks_names()
    {
        using var source = nn.Sequential(("fc", nn.Linear(4, 3)));
        var path = PathOf("sequential.ckpt");
        Checkpoint.Save(source, path);
        using var target = nn.Sequential(("head", nn.Linear(4, 3)));

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.LoadWeights(target, path));

        Assert.Contains("'head.weight' [3, 4] is missing from the file", error.Message);
        Assert.Contains("'fc.weight' [3, 4] is in the file but not in the model", error.Message);
        Assert.Empty(Checkpoint.ReadMetadata(path).Hyperparameters);
    }
}
