using Dsl.Search.Trials;

namespace Dsl.Studies;

/// <summary>A study store cannot do what was asked: the file is not a study store, a study is missing, or the store is unusable.</summary>
public class StudyStorageException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public StudyStorageException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public StudyStorageException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>An existing study was opened with another direction or an incompatible search space.</summary>
public sealed class StudyMismatchException : StudyStorageException
{
    /// <summary>Creates the exception with a message.</summary>
    public StudyMismatchException(string message) : base(message) { }
}

/// <summary>A trial is not in the state an operation needs, typically no longer running because recovery failed it.</summary>
public sealed class TrialStateException : StudyStorageException
{
    /// <summary>Creates the exception for trial <paramref name="trial"/> of <paramref name="study"/>, found in <paramref name="state"/>.</summary>
    public TrialStateException(string study, int trial, TrialState state, string operation)
        : base($"Cannot {operation} trial {trial} of study '{study}': it is {state.ToString().ToLowerInvariant()}, not running."
               + (state == TrialState.Failed ? " It was probably recovered as stale; heartbeat more often than the stale timeout." : ""))
    {
        Study = study;
        Trial = trial;
        State = state;
    }

    /// <summary>The study's name.</summary>
    public string Study { get; }

    /// <summary>The trial's number.</summary>
    public int Trial { get; }

    /// <summary>The state the trial was found in.</summary>
    public TrialState State { get; }
}
