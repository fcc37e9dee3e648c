namespace Dsl.Datasets;

/// <summary>Where a dataset was loaded from, in lookup order.</summary>
public enum DatasetSourceKind
{
    /// <summary>A directory passed explicitly by the caller.</summary>
    Explicit,

    /// <summary>A directory named by an environment variable.</summary>
    EnvironmentVariable,

    /// <summary>A directory installed by a system package.</summary>
    SystemPackage,

    /// <summary>The small subset embedded in the runtime assembly.</summary>
    EmbeddedSubset,
}
