namespace Dsl.Studies.Relational;

/// <summary>What a relational store has asked of its database: transactions, statements, and trials read in full.</summary>
/// <remarks>Round trips are what a store on a server pays for; these counts let a test hold them down.</remarks>
internal sealed class StoreStatistics
{
    private long transactions;
    private long statements;
    private long trialsLoaded;

    /// <summary>Transactions begun, one per store call.</summary>
    public long Transactions => Interlocked.Read(ref transactions);

    /// <summary>Statements sent, each one round trip to a server.</summary>
    public long Statements => Interlocked.Read(ref statements);

    /// <summary>Trials whose parameters, values and attributes were read from the database rather than the cache.</summary>
    public long TrialsLoaded => Interlocked.Read(ref trialsLoaded);

    public void Transaction() => Interlocked.Increment(ref transactions);

    public void Statement() => Interlocked.Increment(ref statements);

    public void Loaded(int trials) => Interlocked.Add(ref trialsLoaded, trials);
}
