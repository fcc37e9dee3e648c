using System.Text.Json;
using Dsl.Checkpoints;
using Dsl.Runtime.Tests.Sweeps;
using Dsl.Runtime.Tests.Training;
using Dsl.Training;
using Dsl.Transfer;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests.Transfer;

/// <summary>TinyNet with a wider head: fc1 fits TinyNet's, fc2 does not.</summary>
[Dsl.Model(Input = new[] { 4 }, Outputs = 5)]
public partial class TinyNetFiveClasses
{
    [Dsl.Linear(8), Dsl.Activate(Dsl.Activation.ReLU), Dsl.Linear(5)]
    public partial Tensor Forward(Tensor x);
}

[Collection(TorchTrainingCollection.Name)]
public sealed class PretrainedWeightsTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>
    /// PyTorch builds TinyCnn's layout as an nn.Sequential (keys "0.*" and "4.*"), saves its state_dict with torch.save,
    /// and writes a fixed input with its outputs; the key map renames the keys to the generated model's.
    /// </summary>
    private const string CnnScript = """
        import json, torch
        torch.manual_seed(0)
        net = torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(36, 3))
        torch.save(net.state_dict(), "cnn.pt")
        x = torch.rand(2, 1, 6, 6)
        with torch.no_grad():
            y = net(x)
        json.dump({"input": x.flatten().tolist(), "output": y.flatten().tolist()}, open("cnn.json", "w"))
        """;

    [PyTorchFact]
    public void A_state_dict_saved_by_PyTorch_loads_and_gives_PyTorchs_outputs()
    {
        var (code, output) = DebianPyTorch.Run(CnnScript, folder.Path);
        Assert.True(code == 0, output);
        using var expected = JsonDocument.Parse(File.ReadAllText(folder.File("cnn.json")));
        var input = expected.RootElement.GetProperty("input").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var outputs = expected.RootElement.GetProperty("output").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        using var model = new TinyCnn(TinyCnn.Hyperparameters.Default);

        var report = PretrainedWeights.LoadPyTorch(model, folder.File("cnn.pt"), keys: new KeyMap(new Dictionary<string, string> { ["0"] = "conv1", ["4"] = "fc1" }));

        Assert.True(report.IsExact, report.ToString());
        Assert.Equal(["conv1.bias", "conv1.weight", "fc1.bias", "fc1.weight"], report.Loaded.Order());
        model.eval();
        using var x = tensor(input, [2, 1, 6, 6]);
        using var y = model.call(x);
        var actual = y.data<float>().ToArray();
        Assert.Equal(outputs, actual, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [PyTorchFact]
    public void Weights_saved_in_PyTorch_format_give_the_same_outputs_in_PyTorch()
    {
        using var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 3);
        var checkpoint = folder.File("tiny.ckpt");
        Checkpoint.Save(model, checkpoint);
        PretrainedWeights.ExportCheckpoint(checkpoint, folder.File("tiny.pt"));
        using var x = linspace(-1, 1, 8).view(2, 4);
        using var y = model.call(x);

        var (code, output) = DebianPyTorch.Run("""
            import torch
            class TinyNet(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc1 = torch.nn.Linear(4, 8)
                    self.fc2 = torch.nn.Linear(8, 3)
                def forward(self, x):
                    return self.fc2(torch.relu(self.fc1(x)))
            net = TinyNet()
            net.load_state_dict(torch.load("tiny.pt"))
            with torch.no_grad():
                print(" ".join(f"{v:.6f}" for v in net(torch.linspace(-1, 1, 8).view(2, 4)).flatten().tolist()))
            """, folder.Path);

        Assert.True(code == 0, output);
        var fromPython = output.Trim().Split(' ').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(y.data<float>().ToArray(), fromPython, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Loading_another_models_checkpoint_reports_mismatches_by_name()
    {
        var (pretrained, path) = SavedTinyNet();
        using var _ = pretrained;
        using var model = new TinyNetFiveClasses(TinyNetFiveClasses.Hyperparameters.Default);
        using var before = model.state_dict()["fc2.weight"].clone();

        var strict = Assert.Throws<WeightLoadException>(() => PretrainedWeights.LoadCheckpoint(model, path));
        Assert.Contains("fc2.weight is [3, 8] in the source but [5, 8] in the model", strict.Message);
        // Strict loading that fails loads nothing, not even the keys that fit.
        Assert.NotEqual(0, Difference(model, pretrained, "fc1.weight"));

        var report = PretrainedWeights.LoadCheckpoint(model, path, WeightLoading.Lenient);

        Assert.Equal(["fc1.bias", "fc1.weight"], report.Loaded.Order());
        Assert.Equal(["fc2.bias", "fc2.weight"], report.ShapeMismatched.Select(m => m.Key).Order());
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(0, Difference(model, pretrained, "fc1.weight"));
        Assert.True(model.state_dict()["fc2.weight"].eq(before).all().item<bool>());
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_named_and_a_key_map_can_drop_or_rename_them()
    {
        var (pretrained, path) = SavedTinyNet();
        pretrained.Dispose();
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);

        var renamed = PretrainedWeights.LoadCheckpoint(model, path, WeightLoading.Lenient, new KeyMap(new Dictionary<string, string> { ["fc2"] = "head" }));
        Assert.Equal(["fc2.bias (as head.bias)", "fc2.weight (as head.weight)"], renamed.Unexpected.Order());
        Assert.Equal(["fc2.bias", "fc2.weight"], renamed.Missing.Order());

        var dropped = PretrainedWeights.LoadCheckpoint(model, path, WeightLoading.Lenient, new KeyMap(new Dictionary<string, string> { ["fc2"] = "" }));
        Assert.Empty(dropped.Unexpected);
        Assert.Equal(["fc2.bias", "fc2.weight"], dropped.Missing.Order());
        Assert.Equal(2, dropped.Loaded.Count);
    }

    [Fact]
    public void A_file_that_is_not_a_state_dict_is_named()
    {
        var path = folder.File("junk.pt");
        File.WriteAllText(path, "not a pickle");
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);

        var error = Assert.Throws<CheckpointException>(() => PretrainedWeights.LoadPyTorch(model, path));

        Assert.Contains("is not a PyTorch state dict saved with torch.save", error.Message);
    }

    [PyTorchFact]
    public void A_pickle_that_is_not_a_plain_state_dict_is_named_and_its_tensors_are_freed()
    {
        var (code, output) = DebianPyTorch.Run("""
            import torch
            tensors = {"a": torch.zeros(3), "b": torch.ones(2), "c": torch.ones(4)}
            torch.save(tensors, "plain.pt")
            torch.save({**tensors, "epoch": 5}, "mixed.pt")
            """, folder.Path);
        Assert.True(code == 0, output);
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        // The unpickler keeps a few tensors of its own; what a plain state dict leaves behind is the baseline.
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        PretrainedWeights.LoadPyTorch(model, folder.File("plain.pt"), WeightLoading.Lenient);
        var baseline = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var error = Assert.Throws<CheckpointException>(() => PretrainedWeights.LoadPyTorch(model, folder.File("mixed.pt")));

        Assert.Contains("holds an entry 'epoch' that is not a named tensor", error.Message);
        Assert.Equal(baseline, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount - before);
    }

    [Fact]
    public void Two_source_keys_mapped_onto_one_model_key_are_reported_not_overwritten()
    {
        var (pretrained, path) = SavedTinyNet();
        using var _ = pretrained;
        using var model = new TinyNet(TinyNet.Hyperparameters.Default);
        var collide = new KeyMap(new Dictionary<string, string> { ["fc2"] = "fc1" });

        var strict = Assert.Throws<WeightLoadException>(() => PretrainedWeights.LoadCheckpoint(model, path, keys: collide));
        Assert.Contains("fc2.weight (as fc1.weight, already taken from fc1.weight)", strict.Message);

        var report = PretrainedWeights.LoadCheckpoint(model, path, WeightLoading.Lenient, collide);
        Assert.Equal(["fc2.bias (as fc1.bias, already taken from fc1.bias)", "fc2.weight (as fc1.weight, already taken from fc1.weight)"],
            report.Unexpected.Order());
        Assert.Equal(["fc1.bias", "fc1.weight"], report.Loaded.Order());
        Assert.Equal(0, Difference(model, pretrained, "fc1.weight"));
    }

    /// <summary>A seeded TinyNet and the checkpoint it was saved to.</summary>
    private (TinyNet Model, string Path) SavedTinyNet()
    {
        var model = Trainer.CreateModel<TinyNet, TinyNet.Hyperparameters>(TinyNet.Hyperparameters.Default, seed: 3);
        var path = folder.File("pretrained.ckpt");
        Checkpoint.Save(model, path);
        return (model, path);
    }

    private static double Difference(nn.Module a, nn.Module b, string key)
    {
        using var difference = (a.state_dict()[key] - b.state_dict()[key]).abs().sum();
        return difference.item<float>();
    }
}
