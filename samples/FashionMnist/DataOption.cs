using System.CommandLine;
using Dsl.Datasets;
using Dsl.CommandLine;

namespace FashionMnistSample;

/// <summary>The <c>--data</c> option every command that loads Fashion-MNIST takes.</summary>
internal static class DataOption
{
    public static Option<string?> Create()
    {
        var option = CommandLineOptions.Text("--data",
            $"Folder with the Fashion-MNIST IDX files. Default: ${FashionMnist.EnvironmentVariable}, then {FashionMnist.SystemDirectory} " +
            $"(apt-get install dataset-fashion-mnist), then the embedded subset. '{FashionMnist.EmbeddedKeyword}' picks the embedded 6,000/1,000 subset.",
            "dir");
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { Length: > 0 } value
                && !string.Equals(value.Trim(), FashionMnist.EmbeddedKeyword, StringComparison.OrdinalIgnoreCase)
                && !Directory.Exists(value))
            {
                result.AddError($"--data expects a folder holding the Fashion-MNIST IDX files, or '{FashionMnist.EmbeddedKeyword}', but '{value}' does not exist.");
            }
        });
        return option;
    }
}
