using System.Buffers.Binary;
using Dsl.Search;
using Dsl.Search.Trials;
using SkiaSharp;

namespace Dsl.Runtime.Tests.Reporting;

/// <summary>Synthetic studies for the report tests, and checks on the files a report writes.</summary>
internal static class ReportTestKit
{
    public const string Driver = "learning_rate";

    /// <summary>A log-scaled float, a categorical, a float conditional on it and a log-scaled integer.</summary>
    public static SearchSpace Space { get; } = new(
    [
        new FloatParameter(Driver, 1e-5, 1e-1, 1e-3, Log: true),
        new CategoricalParameter("optimizer", ["sgd", "adam"], 1),
        new FloatParameter("momentum", 0.0, 0.99, 0.9) { Condition = new ParameterCondition("optimizer", ["sgd"]) },
        new IntParameter("batch_size", 16, 512, 64, Log: true),
    ]);

    /// <summary>
    /// A 30-trial study whose loss is a parabola in log10(learning_rate) with its minimum at 1e-3, nudged only slightly
    /// by the other parameters; one trial failed, three were pruned, and every finished trial reported a curve.
    /// </summary>
    public static List<TrialRecord> Study(int count = 30, int seed = 7)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var trials = new List<TrialRecord>();
        for (var number = 0; number < count; number++)
        {
            var parameters = Sample(random);
            var loss = Loss(parameters, random);
            var state = number switch
            {
                5 => TrialState.Failed,
                8 or 13 or 21 => TrialState.Pruned,
                _ => TrialState.Complete,
            };
            var epochs = state == TrialState.Pruned ? 2 : state == TrialState.Complete ? 6 : 0;
            var curve = new Dictionary<int, double>();
            for (var epoch = 1; epoch <= epochs; epoch++)
                curve[epoch] = loss + 0.8 * Math.Exp(-(epoch - 1) / 1.5);
            trials.Add(new TrialRecord(
                number,
                state,
                parameters,
                state switch { TrialState.Complete => loss, TrialState.Pruned => curve[epochs], _ => null },
                curve)
            {
                StartedAt = start.AddMinutes(10 * number),
                FinishedAt = start.AddMinutes(10 * number + 7),
                Error = state == TrialState.Failed ? "Loss diverged to NaN at epoch 3\n   at Dsl.Training.Trainer.Fit()" : null,
            });
        }
        return trials;
    }

    public static Dictionary<string, object> Sample(Random random)
    {
        var parameters = new Dictionary<string, object>
        {
            [Driver] = Math.Pow(10, -5 + 4 * random.NextDouble()),
            ["optimizer"] = random.Next(2) == 0 ? "sgd" : "adam",
            ["batch_size"] = (long)Math.Round(Math.Pow(2, 4 + 5 * random.NextDouble())),
        };
        if ((string)parameters["optimizer"] == "sgd")
            parameters["momentum"] = 0.99 * random.NextDouble();
        return parameters;
    }

    public static double Loss(IReadOnlyDictionary<string, object> parameters, Random random)
    {
        var x = Math.Log10((double)parameters[Driver]) + 3;
        var loss = 0.3 + 0.15 * x * x + 0.02 * random.NextDouble();
        if ((string)parameters["optimizer"] == "sgd")
            loss += 0.01;
        return loss;
    }

    public static TrialRecord Complete(int number, IReadOnlyDictionary<string, object> parameters, double? value) =>
        new(number, TrialState.Complete, parameters, value, new Dictionary<int, double>());

    public static TrialRecord Failed(int number, IReadOnlyDictionary<string, object> parameters) =>
        new(number, TrialState.Failed, parameters, null, new Dictionary<int, double>()) { Error = "boom" };

    /// <summary>Asserts that the file is a PNG that decodes to an image of a sensible size, and returns that size.</summary>
    public static (int Width, int Height) AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written.");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path} is too short to be a PNG.");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        var width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));

        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        Assert.InRange(width, 300, 4000);
        Assert.InRange(height, 150, 4000);
        return (width, height);
    }
}

/// <summary>A fresh folder in the temp directory for one report, removed file by file afterwards.</summary>
internal sealed class TempReportFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dsl-report-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (!Directory.Exists(Path))
            return;
        // The report writes a flat folder; deleting its files one by one never reaches beyond it.
        foreach (var file in Directory.GetFiles(Path))
            File.Delete(file);
        Directory.Delete(Path);
    }
}
