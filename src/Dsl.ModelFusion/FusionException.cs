namespace Dsl.ModelFusion;

/// <summary>Models that cannot be fused as asked; the message says which model, which key or shape, and what was expected.</summary>
public sealed class FusionException(string message, Exception? inner = null) : Exception(message, inner);
