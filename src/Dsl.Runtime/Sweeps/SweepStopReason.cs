namespace Dsl.Sweeps;

/// <summary>Why a sweep stopped claiming trials.</summary>
public enum SweepStopReason
{
    /// <summary>The study reached the requested number of trials.</summary>
    TrialsReached,
    /// <summary>The time budget was spent; trials that were running finished first.</summary>
    Timeout,
    /// <summary>The cancellation token fired (Ctrl-C): running trials were stopped within a batch and recorded.</summary>
    Cancelled,
    /// <summary>A finite sampler (a grid) has proposed every assignment it has.</summary>
    SamplerExhausted,
    /// <summary>The study store failed; the error is rethrown after the running trials were recorded where possible.</summary>
    Failed,
}
