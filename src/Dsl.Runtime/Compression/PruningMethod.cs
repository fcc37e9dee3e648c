namespace Dsl.Compression;

/// <summary>Which weights magnitude pruning removes.</summary>
public enum PruningMethod
{
    /// <summary>The smallest weights by absolute value across all chosen layers together (PyTorch's global_unstructured with L1).</summary>
    Global,

    /// <summary>The smallest weights by absolute value in each chosen layer, the same fraction of each (l1_unstructured per layer).</summary>
    PerLayer,

    /// <summary>Whole output neurons of Linear layers and filters of Conv layers with the smallest norm, with their biases (ln_structured).</summary>
    Structured,
}
