using Dsl.Search;
using Dsl.Search.Trials;
using Dsl.Studies;

namespace Dsl.Runtime.Tests.Studies;

public enum Shape
{
    Circle,
    Square,
}

/// <summary>A clock the test moves by hand, so heartbeat timeouts need no sleeping.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}

/// <summary>A fresh database path in the temp folder, deleted with its WAL and shared-memory files.</summary>
internal sealed class TempStudyFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dsl-study-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try
            {
                File.Delete(Path + suffix);
            }
            catch (IOException)
            {
            }
        }
    }
}

internal static class StudyTestKit
{
    public static SearchSpace Space { get; } = new(
    [
        new FloatParameter("LearningRate", 1e-4, 1e-1, 1e-3, Log: true),
        new IntParameter("Hidden", 16, 256, 64),
        new CategoricalParameter("Shape", [Shape.Circle, Shape.Square], 0),
        new FloatParameter("Momentum", 0.5, 0.99, 0.9) { Condition = new ParameterCondition("Shape", [Shape.Square]) },
    ]);

    public static StudyDefinition Study(string name = "study", StudyDirection direction = StudyDirection.Maximize) =>
        new(name, direction, Space);

    /// <summary>A deterministic stand-in for a sampler, keyed on the trial number.</summary>
    public static IReadOnlyDictionary<string, object> Sample(int number, IReadOnlyList<TrialRecord> history)
    {
        var values = new Dictionary<string, object>
        {
            ["LearningRate"] = 0.001 * (1 + number % 10),
            ["Hidden"] = 16L + number % 200,
            ["Shape"] = number % 2 == 0 ? Shape.Circle : Shape.Square,
        };
        if (number % 2 == 1)
            values["Momentum"] = 0.9;
        return values;
    }

    public static TrialSampler Sampler { get; } = Sample;
}
