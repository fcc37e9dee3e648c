namespace Dsl.Search.Sampling;

/// <summary>Thrown by a finite sampler asked for more assignments than it has.</summary>
public sealed class SamplerExhaustedException : InvalidOperationException
{
    /// <summary>Creates the exception with a message.</summary>
    public SamplerExhaustedException(string message) : base(message) { }

    /// <summary>Creates the exception with a default message.</summary>
    public SamplerExhaustedException() : base("The sampler has proposed every assignment it has.") { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public SamplerExhaustedException(string message, Exception innerException) : base(message, innerException) { }
}
