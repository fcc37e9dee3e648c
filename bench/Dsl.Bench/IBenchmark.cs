namespace Dsl.Bench;

/// <summary>One side-by-side measurement; `bench/run NAME` finds it by <see cref="Name"/> through reflection.</summary>
public interface IBenchmark
{
    /// <summary>The name given to bench/run.</summary>
    string Name { get; }

    /// <summary>One line of what it measures, for --list.</summary>
    string Description { get; }

    /// <summary>Runs the measurement, yielding each result as soon as it is known.</summary>
    IEnumerable<BenchResult> Run(string[] args);
}

/// <summary>One JSON line of output: our figure, the peer's from the same run, and ours / peer.</summary>
public sealed record BenchResult(string Name, double Ours, double? Peer, string Unit)
{
    /// <summary>ours / peer, or null without a peer.</summary>
    public double? Ratio => Peer is { } p && p != 0 ? Ours / p : null;
}
