using Dsl.Datasets;
using Dsl.Runtime.Tests.Datasets;
using Dsl.Runtime.Tests.Training;
using Dsl.CommandLine;
using FashionMnistSample;

namespace Dsl.Runtime.Tests.Samples;

/// <summary>The sample's own commands report errors as the sweep commands do, and its help lists every command.</summary>
[Collection(TorchTrainingCollection.Name)]
public sealed class FashionMnistCommandLineTests : IDisposable
{
    private readonly IdxTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Theory]
    [InlineData("train --epochs abc", "--epochs", "train --help")]
    [InlineData("--epochs abc", "--epochs", "'--help'")]
    [InlineData("train --lr fast", "--lr", "train --help")]
    [InlineData("train --schedule sometimes", "--schedule", "train --help")]
    [InlineData("train --bogus", "--bogus", "train --help")]
    [InlineData("fusion --epochs 0", "--epochs", "fusion --help")]
    [InlineData("fusion --merge glue", "--merge", "fusion --help")]
    [InlineData("frobnicate", "frobnicate", "'--help'")]
    [InlineData("sweep --trials many", "--trials", "sweep --help")]
    [InlineData("fusion sweep --trials many", "--trials", "fusion sweep --help")]
    [InlineData("fusion show --storage nowhere.db", "does not exist", "fusion show --help")]
    [InlineData("transfer --fraction 2", "--fraction", "transfer --help")]
    [InlineData("transfer --fraction half", "--fraction", "transfer --help")]
    public async Task Invalid_arguments_print_one_line_and_exit_with_2(string args, string mentioned, string usage)
    {
        var (code, output, error) = await RunAsync(args.Split(' '));

        Assert.Equal(SweepCommandLine.UsageExitCode, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith("error: ", line);
        Assert.Contains(mentioned, line);
        Assert.Contains(usage, line);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Root_help_lists_every_command_and_fusion_help_its_sweep_commands()
    {
        var (code, root, _) = await RunAsync(["--help"]);
        Assert.Equal(0, code);
        var commands = Section(root, "Commands:");
        foreach (var command in new[] { "train", "sweep", "show", "best", "export", "fusion" })
            Assert.Contains(commands, line => line.StartsWith(command + " ", StringComparison.Ordinal));

        var (_, fusion, _) = await RunAsync(["fusion", "--help"]);
        var fusionCommands = Section(fusion, "Commands:");
        foreach (var command in new[] { "sweep", "show", "best", "export" })
            Assert.Contains(fusionCommands, line => line.StartsWith(command + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fusion_sweep_help_names_itself_and_sweep_takes_data()
    {
        var (_, fusionSweep, _) = await RunAsync(["fusion", "sweep", "--help"]);
        Assert.EndsWith(" fusion sweep [options]", Section(fusionSweep, "Usage:").Single());
        Assert.Contains("TwoViewSweep.db", fusionSweep);
        Assert.Contains("--data", fusionSweep);

        var (_, sweep, _) = await RunAsync(["sweep", "--help"]);
        Assert.Contains("--data", sweep);
    }

    [Theory]
    [InlineData("sweep")]
    [InlineData("fusion sweep")]
    public async Task Sweep_loads_its_data_from_the_data_option(string command)
    {
        var data = files.WriteDataset("tiny", 100, 10, rows: 28, cols: 28);
        string[] args = [.. command.Split(' '), "--data", data, "--trials", "1", "--epochs", "1", "--storage", "memory", "--output", Path.Combine(files.Root, "runs")];

        var (code, output, error) = await RunAsync(args);

        Assert.True(code == 0, error);
        Assert.Contains($"data: the given folder ({data})", output);
    }

    [Fact]
    public async Task A_data_folder_with_missing_files_fails_with_one_line_and_exit_1()
    {
        var data = Directory.CreateDirectory(Path.Combine(files.Root, "empty")).FullName;

        var (code, _, error) = await RunAsync(["train", "--data", data]);

        Assert.Equal(SweepCommandLine.FailureExitCode, code);
        var line = Assert.Single(Lines(error));
        Assert.StartsWith($"error: Fashion-MNIST from the given folder ({data}) could not be loaded: ", line);
    }

    internal static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var app = new CommandLineApp(FashionMnistCommandLine.Description, output, error);
        var code = await FashionMnistCommandLine.RunAsync(app, args);
        return (code, output.ToString(), error.ToString());
    }

    internal static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The indented lines under a help heading such as "Commands:", trimmed.</summary>
    private static List<string> Section(string help, string heading) =>
        help.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l != heading).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
}

/// <summary>Messages about the data's environment variable name it; runs alone, since it sets the real variable.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class FashionMnistEnvironmentTests : IDisposable
{
    private readonly string? saved = Environment.GetEnvironmentVariable(FashionMnist.EnvironmentVariable);

    public void Dispose() => Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, saved);

    [Theory]
    [InlineData("sweep")]
    [InlineData("fusion sweep")]
    public async Task A_variable_pointing_nowhere_is_named_in_the_error(string command)
    {
        var absent = Path.Combine(Path.GetTempPath(), "dsl-absent-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable(FashionMnist.EnvironmentVariable, absent);

        var (code, _, error) = await FashionMnistCommandLineTests.RunAsync([.. command.Split(' '), "--trials", "1", "--storage", "memory"]);

        Assert.Equal(SweepCommandLine.FailureExitCode, code);
        var line = Assert.Single(FashionMnistCommandLineTests.Lines(error));
        Assert.Contains($"{FashionMnist.EnvironmentVariable} ({absent})", line);
        Assert.DoesNotContain("null", line);
        Assert.DoesNotContain("argument", line);
    }
}
